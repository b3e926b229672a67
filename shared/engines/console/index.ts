/** @module console — tx-console's engine: the operators' JSON API, its queries and actions, metrics. */
export { API_ROUTES, CONSOLE_DEFAULT_PORT, consoleUiUrl, UI_ROUTES } from './api';
export { ConsoleMetrics } from './ConsoleMetrics';
export { consoleServices } from './consoleServices';
export type { ConsoleServicesOptions } from './consoleServices';
export { createConsoleApp } from './createConsoleApp';
export type { ConsoleAppDeps, ConsoleServices } from './createConsoleApp';
export { ConsoleConfigError, ConsoleError } from './errors';
export { hashPassword, hashPasswordSync, hashToken, newToken, Operators, operatorsSchema, verifyPassword } from './operators';
export type { Operator, OperatorConfig } from './operators';
export { DEFAULT_SESSION_TTL_SECONDS, SESSION_COOKIE, SessionSigner } from './sessions';
