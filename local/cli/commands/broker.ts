import type { Command } from '../command';
import { UsageError } from '../command';
import { brokerUsage, loadBrokerConfig } from '../../broker/config';
import { BrokerConfigError } from '../../broker/errors';
import { startBroker } from '../../broker/index';

/** `txcenter broker`: runs the local broker until SIGTERM/SIGINT. */
export const brokerCommand: Command = {
  name: 'broker',
  summary: 'run the local RocketMQ HTTP broker',
  usage: brokerUsage(),
  async run(args) {
    let broker;
    try {
      broker = await startBroker(loadBrokerConfig(args));
    } catch (error) {
      if (error instanceof BrokerConfigError) throw new UsageError(error.message);
      throw error;
    }
    broker.onEvent((event) => {
      if (event.type === 'internalError')
        console.error(`txcenter broker: internal error: ${(event.error as Error)?.stack ?? String(event.error)}`);
    });
    console.log(`txcenter broker listening on ${broker.url} (data: ${broker.dataDir})`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    await broker.close();
    return 0;
  },
};
