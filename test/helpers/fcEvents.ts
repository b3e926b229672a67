/** FC event and context builders for tests; they live in shared/adapters/fc/sampleEvents.ts, which the package check and cold-start bench also use. */
export {
  asEventBuffer,
  fc2HttpRequest,
  fc2HttpResponse,
  fc3HttpEvent,
  fcContext,
  rocketmqCloudEvents,
  timerEvent,
} from '../../shared/adapters/fc/sampleEvents';
export type { HttpEventInput, MqMessageInput } from '../../shared/adapters/fc/sampleEvents';
