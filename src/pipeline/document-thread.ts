/**
 * The entry point of a document thread: one task at a time from the pool (DocumentPool),
 * answered with a DocumentResult. Nothing here touches the network, Redis or files.
 */
import { parentPort } from 'node:worker_threads';
import { readDocument, type DocumentTask } from './read-document.js';

parentPort?.on('message', (task: DocumentTask) => {
  void readDocument(task).then((result) => parentPort?.postMessage(result));
});
parentPort?.postMessage('ready');
