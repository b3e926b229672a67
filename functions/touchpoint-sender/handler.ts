import type { TouchpointSender } from '../../shared/domain/delivery';
import { createTouchpointSender, parseChannels, readSenderConfig } from '../../shared/domain/delivery';
import { timerHandler } from '../../shared/adapters/fc/timer';
import { createLogger } from '../../shared/logger';
import { openDatabase } from '../../shared/adapters/store/openDatabase';

const config = readSenderConfig();
const logger = createLogger('touchpoint-sender', config.TXC_LOG_LEVEL);
// Malformed channel settings fail the cold start, before any touch-point is claimed.
const channels = parseChannels(config.TXC_CHANNELS);

let sender: Promise<TouchpointSender> | undefined;

/** Built on the first invocation and kept for the warm instance; a failed build is retried next time. */
function deps() {
  sender ??= openDatabase(config.TXC_DATABASE_URL)
    .then((database) => createTouchpointSender(config, channels, database, logger))
    .catch((error: unknown) => {
      sender = undefined;
      throw error;
    });
  return sender;
}

/** touchpoint-sender (timer trigger): sends the approved touch-points that are due. */
export const handler = timerHandler(async (_event, context) => {
  const report = await (await deps()).run(() => context.remainingMs());
  if (report.sent + report.failed + report.retried > 0) logger.info({ requestId: context.requestId, ...report }, 'touch-points sent');
  return report;
});
