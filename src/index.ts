// The library's main entry: parse and resolve books, build reports. Each layer is also its own subpath
// export (unimargin/core, /pricing, /scenarios, /margin, /aggregate, /risk, /report).
export * from './core/index.js';
export * from './report/index.js';
