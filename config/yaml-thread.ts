/**
 * The thread that parses a large config file (parse-yaml.ts): `yaml` takes about 0.8 s for
 * 10,000 sources, which must not block the event loop of a running `start` on reload.
 * It gets the text as workerData and answers once, with plain data (structured clone).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseYamlText, type YamlOutcome } from './yaml-text.js';

const answer: YamlOutcome = parseYamlText(String(workerData));
parentPort?.postMessage(answer);
