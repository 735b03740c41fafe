/**
 * The entry point of a document thread: one task at a time from the pool (DocumentPool),
 * answered with its TaskResult. Nothing here touches the network, Redis or files.
 */
import { parentPort } from 'node:worker_threads';
import { runTask, type TaskMessage } from './thread-tasks.js';

parentPort?.on('message', (message: TaskMessage) => {
  void runTask(message).then((result) => parentPort?.postMessage(result));
});
parentPort?.postMessage('ready');
