// Entry of an analysis worker thread: runs each task it is sent and posts back its outcome with the task's id.
import { parentPort } from 'node:worker_threads';
import { outcomeOf, type AnalysisTask } from './analysisTasks.js';

parentPort?.on('message', (message: { id: number; task: AnalysisTask }) => {
  parentPort?.postMessage({ id: message.id, outcome: outcomeOf(message.task) });
});
