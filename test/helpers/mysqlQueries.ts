import { tracingChannel } from 'node:diagnostics_channel';

/** The SQL texts mysql2 sends while `body` runs, one per round trip (its diagnostics channel; nothing on SQLite). */
export async function mysqlQueriesDuring(body: () => Promise<void>): Promise<string[]> {
  const queries: string[] = [];
  const channel = tracingChannel<{ query: string }>('mysql2:query');
  const subscriber = { start: (message: { query: string }) => void queries.push(message.query) };
  channel.subscribe(subscriber as never);
  try {
    await body();
  } finally {
    channel.unsubscribe(subscriber as never);
  }
  return queries;
}
