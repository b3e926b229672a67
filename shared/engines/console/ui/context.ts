/**
 * @module console/ui/context — what a page gets from the shell, and what a page is.
 */
import type { SessionInfo } from '../api';
import type { ConsoleApi } from './apiClient';
import type { Lang, Translate } from './i18n';
import type { PageName, Route } from './router';
import type { VNode } from './view';

export interface UiContext {
  readonly t: Translate;
  readonly lang: Lang;
  readonly session: SessionInfo;
  /** The operator role: may replay, check and decide (the server refuses viewers anyway). */
  readonly canAct: boolean;
  readonly api: ConsoleApi;
  /** Navigates to a hash route (which loads that page). */
  go(route: string): void;
  /** Draws the current page again from its state (after an action changed it). */
  rerender(): void;
  /** Loads the current page's data again. */
  reload(): void;
}

/** Draws a page from the data it loaded and its own state; called again on every rerender. */
export type PageView = (ctx: UiContext) => VNode;

export interface PageDef {
  /** The navigation entry highlighted while this page shows. */
  readonly nav: NavItem;
  /** Loads the page's data; the returned view draws it (a failure shows the refusal instead). */
  open(ctx: UiContext, route: Route): Promise<PageView>;
}

export const NAV_ITEMS = [
  'overview',
  'transactions',
  'stuck',
  'subscribers',
  'deadLetters',
  'reconcileRuns',
  'incidents',
  'audit',
] as const;
export type NavItem = (typeof NAV_ITEMS)[number];

export type PageRegistry = Readonly<Record<Exclude<PageName, 'login' | 'notFound'>, PageDef>>;
