import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * What a handler knows about its invocation, whatever the platform (FC 2.0, FC 3.0 or the local
 * runtime). Domain code gets this, never the platform's context object.
 */
export interface InvocationContext {
  readonly requestId: string;
  readonly functionName: string;
  /** Epoch ms after which the platform kills the invocation. */
  readonly deadline: number;
  /** Milliseconds left before {@link deadline}. */
  remainingMs(): number;
}

/** The platform-neutral HTTP request: the APIGatewayProxyEventV2 shape; header names are lowercase. */
export type HttpRequest = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** A platform-neutral HTTP application: gateway routes, the DLQ replay endpoint. */
export type HttpApp = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponse>;

/** A timer trigger firing (FC: `{triggerTime, triggerName, payload}`). */
export interface TimerEvent {
  readonly triggerTime: string;
  readonly triggerName: string;
  readonly payload: string;
}

export type TimerApp = (event: TimerEvent, context: InvocationContext) => Promise<unknown>;

/** Builds a context with a fixed deadline (local runtime, tests, adapters). */
export function contextWithDeadline(
  requestId: string,
  functionName: string,
  deadline: number,
  now: () => number = Date.now,
): InvocationContext {
  return { requestId, functionName, deadline, remainingMs: () => Math.max(0, deadline - now()) };
}
