/**
 * WebSub (W3C Recommendation, 2018) publisher ping: tell the hub which topics changed, in the
 * widely used PubSubHubbub form `hub.mode=publish&hub.url=<topic>` (one hub.url per topic).
 */
import { request, type Dispatcher } from 'undici';

export async function pingHub(hub: string, topics: string[], dispatcher: Dispatcher, timeoutMs = 10_000): Promise<number> {
  const body = new URLSearchParams([['hub.mode', 'publish'], ...topics.map((topic): [string, string] => ['hub.url', topic])]).toString();
  const response = await request(hub, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    dispatcher,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body.dump();
  return response.statusCode;
}
