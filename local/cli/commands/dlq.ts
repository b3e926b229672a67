import { parseArgs } from 'node:util';
import * as z from '../../../shared/zod';
import type { Command } from '../command';
import { UsageError } from '../command';
import { dataFolderArg } from '../args';
import { localStackEnvironment } from '../localStackEnvironment';
import { mqConnectionOf } from '../../../shared/config';
import { ConsumeBarrier } from '../../../shared/engines/consumer/ConsumeBarrier';
import { readConsumerConfig } from '../../../shared/engines/consumer/config';
import { DeadLetterStore } from '../../../shared/engines/dlq/DeadLetterStore';
import { replayDeadLetters } from '../../../shared/engines/dlq/replayDeadLetters';
import { describeDeadLetter } from '../../../shared/engines/dlq/describeDeadLetter';
import { deadLetterFilterSchema, replayRequestSchema } from '../../../shared/engines/dlq/replayRequestSchema';
import { MqClient } from '../../../shared/adapters/mq/MqClient';
import { openDatabase } from '../../../shared/adapters/store/openDatabase';

const USAGE = `Usage: txcenter dlq <list | show <id> | replay> [options]

Dead letters stored by dlq-alerter: those of the local stack in --data, or of the database in
TXC_DATABASE_URL (replays publish to the local broker, or TXC_MQ_ENDPOINT).

  --data <dir>         data folder of the local stack (default .txcenter)

Filters (list, replay):
  --group <GID>        subscriber group, e.g. GID_TXC_CS
  --tag <tag>          original tag
  --from <time>        dead-lettered at or after (ISO time or epoch ms)
  --to <time>          dead-lettered at or before
  --ids <id,id,...>    dead-letter ids
  --status <status>    NEW | REPLAYING | REPLAYED | REPLAY_FAILED (list only)
  --limit <n>          at most n (default 100)
Replay:
  --execute            really publish (default: dry-run preview)
  --rate <n>           publishes per second (default 5)
  --json               print JSON instead of a table`;

const OPTIONS = {
  data: { type: 'string', default: '.txcenter' },
  group: { type: 'string' },
  tag: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  ids: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  execute: { type: 'boolean', default: false },
  rate: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

const time = (epochMs: number) => new Date(epochMs).toISOString().replace('.000Z', 'Z');

/** `txcenter dlq list|show|replay`: the same replay engine as tx-console's `/api/dead-letters/replay`. */
export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'list, show and replay dead letters (dry-run by default)',
  usage: USAGE,
  async run(args) {
    const { positionals, values } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
    const [action, id] = positionals;
    const { execute, json, rate, data, ...rawFilter } = values;
    const filterInput = Object.fromEntries(Object.entries(rawFilter).filter(([, value]) => value !== undefined));
    if (action !== 'list' && action !== 'show' && action !== 'replay') throw new UsageError(`unknown action '${action ?? ''}'`);
    const config = readConsumerConfig(await localStackEnvironment(dataFolderArg(data, { mustExist: !process.env.TXC_DATABASE_URL })));
    const database = await openDatabase(config.TXC_DATABASE_URL);
    try {
      const store = new DeadLetterStore(database.db);
      if (action === 'show') {
        if (!id) throw new UsageError('show needs a dead-letter id');
        const letter = await describeDeadLetter(store, new ConsumeBarrier(database.db), id);
        if (!letter) {
          console.error(`txcenter dlq: no dead letter ${id}`);
          return 1;
        }
        console.log(JSON.stringify(letter, null, 2));
        return 0;
      }
      if (action === 'list') {
        const filter = deadLetterFilterSchema.safeParse(filterInput);
        if (!filter.success) throw new UsageError(z.prettifyError(filter.error));
        const letters = await store.list(filter.data);
        if (json)
          console.log(
            JSON.stringify(
              letters.map(({ body: _b, history: _h, ...rest }) => rest),
              null,
              2,
            ),
          );
        else
          for (const l of letters)
            console.log(
              [
                l.id,
                time(l.deadLetteredAt),
                l.group,
                `${l.topic}/${l.tag ?? '-'}`,
                l.messageKey ?? '-',
                l.status,
                `${l.attempts}x`,
                l.error.code,
              ].join('  '),
            );
        if (!json) console.log(`${letters.length} dead letter(s)`);
        return 0;
      }
      const { status: _status, ...replayFilter } = filterInput;
      const request = replayRequestSchema.safeParse({
        filter: replayFilter,
        dryRun: !execute,
        ratePerSecond: rate === undefined ? undefined : Number(rate),
      });
      if (!request.success) throw new UsageError(z.prettifyError(request.error));
      const report = await replayDeadLetters(store, new MqClient(mqConnectionOf(config)), request.data);
      if (json) console.log(JSON.stringify(report, null, 2));
      else {
        for (const r of report.results)
          console.log([r.id, r.group, `${r.topic}/${r.tag ?? '-'}`, r.key ?? '-', r.result, r.code ?? r.messageId ?? ''].join('  '));
        console.log(
          `${report.dryRun ? 'DRY RUN (add --execute to publish): ' : ''}${Object.entries(report.counts)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        );
      }
      return report.counts.failed > 0 ? 1 : 0;
    } finally {
      await database.close();
    }
  },
};
