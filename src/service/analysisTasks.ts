// The analyses that run off the request path, as plain-data tasks: a worker thread receives the book as data
// (the zod output form, which structured clone copies), resolves it and runs the same library function the CLI
// runs. Errors travel back as data too, so that a bad input is still a 400 naming the field.
import { InputError, resolveBook, type Book, type InputIssue } from '../core/index.js';
import type { AllocationResult } from '../risk/allocation.js';
import { runStress, type StressResult } from '../risk/stress.js';
import type { StressScenario } from '../risk/stressScenario.js';
import { collateralPlan, type CollateralInput } from './deskAnalysis.js';

/** A task for a worker: the book as data and what to compute on it. */
export type AnalysisTask =
  | { kind: 'stress'; book: Book; scenario: StressScenario }
  | { kind: 'collateral'; book: Book; input: CollateralInput };

/** The result of each kind of task. */
export interface AnalysisResults {
  stress: StressResult;
  collateral: AllocationResult;
}

/** A task's outcome as it crosses threads: the result, or the error's kind, message and issues. */
export type TaskOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: { name: string; message: string; issues?: readonly InputIssue[] } };

/** Returns the result of a task, computed in this thread. */
export function runTask(task: AnalysisTask): AnalysisResults[AnalysisTask['kind']] {
  const book = resolveBook(task.book);
  switch (task.kind) {
    case 'stress':
      return runStress(book, task.scenario);
    case 'collateral':
      return collateralPlan(book, task.input);
  }
}

/** Returns a task's outcome, the error caught as data. */
export function outcomeOf(task: AnalysisTask): TaskOutcome {
  try {
    return { ok: true, result: runTask(task) };
  } catch (error) {
    if (error instanceof InputError)
      return { ok: false, error: { name: 'InputError', message: error.message, issues: error.issues } };
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, error: { name: e.name, message: e.message } };
  }
}

/** Returns the error an outcome carries, rebuilt as the class the routes map to a status (400 for input). */
export function errorOf(error: Extract<TaskOutcome, { ok: false }>['error']): Error {
  if (error.name === 'InputError' && error.issues !== undefined) return new InputError(error.issues);
  if (error.name === 'RangeError') return new RangeError(error.message);
  return new Error(error.message);
}
