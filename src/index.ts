// The library's main entry: parse and resolve books, build reports. Each layer is also its own subpath
// export (unimargin/core, /account, /pricing, /scenarios, /margin, /aggregate, /risk, /report, /engine, /settlement).
export * from './core/index.js';
export * from './report/index.js';
