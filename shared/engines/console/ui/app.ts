/**
 * @module console/ui/app — the single-page app's controller: session, route → page, language.
 * DOM-free (the browser entry gives it the hash, storage and a draw function), so its flow is
 * tested in Node as well as in Chromium.
 */
import type { SessionInfo } from '../api';
import { UI_ROUTES } from '../contract';
import type { ConsoleApi } from './apiClient';
import { refusal } from './components';
import type { PageView, UiContext } from './context';
import { ApiError } from './errors';
import type { Lang, Translate } from './i18n';
import { DEFAULT_LANG, isLang, translator } from './i18n';
import { PAGES } from './pages';
import type { Route } from './router';
import { parseRoute } from './router';
import type { LoginState, ShellActions } from './shell';
import { frame, loadingView, loginView, notFoundView } from './shell';
import type { FormValues, VNode } from './view';

export interface AppHost {
  readonly api: ConsoleApi;
  getHash(): string;
  setHash(hash: string): void;
  /** The saved language choice, if any. */
  loadLang(): string | null;
  saveLang(lang: Lang): void;
  /** Replaces what the page shows; `title` is the document title, `lang` the page's language. */
  draw(node: VNode, title: string, lang: Lang): void;
}

export class ConsoleApp {
  private lang: Lang;
  private t: Translate;
  private session: SessionInfo | null = null;
  private route: Route;
  private view: PageView | null = null;
  /** Which navigation's load may still draw: a slow page must not replace a newer one. */
  private generation = 0;
  private readonly login: LoginState = { busy: false };
  /** Where to go after logging in (the deep link that led to the login). */
  private returnTo: string = UI_ROUTES.overview;
  private readonly actions: ShellActions;

  constructor(private readonly host: AppHost) {
    const saved = host.loadLang();
    this.lang = saved && isLang(saved) ? saved : DEFAULT_LANG;
    this.t = translator(this.lang);
    this.route = parseRoute(host.getHash());
    this.actions = {
      setLang: (lang) => this.setLang(lang),
      logout: () => void this.logout(),
      login: (values) => void this.submitLogin(values),
    };
  }

  /** Finds out whether a session exists, then shows the route (or the login). */
  async start(): Promise<void> {
    try {
      this.session = await this.host.api.session();
      this.host.api.useSession(this.session);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) this.login.error = error;
      this.session = null;
    }
    await this.navigate();
  }

  /** The hash changed (a link, the back button, or {@link UiContext.go}). */
  async navigate(): Promise<void> {
    this.route = parseRoute(this.host.getHash());
    const generation = ++this.generation;
    if (!this.session) {
      if (this.route.page !== 'login') this.returnTo = this.route.hash || UI_ROUTES.overview;
      this.view = null;
      return this.draw();
    }
    if (this.route.page === 'login') return this.host.setHash(UI_ROUTES.overview);
    if (this.route.page === 'notFound') {
      this.view = (ctx) => notFoundView(ctx.t);
      return this.draw();
    }
    const page = PAGES[this.route.page];
    this.view = (ctx) => loadingView(ctx.t);
    this.draw();
    let view: PageView;
    try {
      view = await page.open(this.context(), this.route);
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof ApiError && error.status === 401) return this.expired();
      view = (ctx) => refusal(error, ctx.t);
    }
    if (generation !== this.generation) return;
    this.view = view;
    this.draw();
  }

  setLang(lang: Lang): void {
    this.lang = lang;
    this.t = translator(lang);
    this.host.saveLang(lang);
    this.draw();
  }

  private context(): UiContext {
    const session = this.session;
    if (!session) throw new ApiError(401, 'UNAUTHENTICATED', 'not logged in');
    return {
      t: this.t,
      lang: this.lang,
      session,
      canAct: session.operator.role === 'operator',
      api: this.host.api,
      go: (route) => this.go(route),
      rerender: () => this.draw(),
      reload: () => void this.navigate(),
    };
  }

  private go(route: string): void {
    // The same hash fires no hashchange: load it again directly.
    if (route === this.host.getHash()) void this.navigate();
    else this.host.setHash(route);
  }

  private draw(): void {
    const t = this.t;
    if (!this.session || !this.view) return this.host.draw(loginView(this.login, this.lang, t, this.actions), t('app.title'), this.lang);
    const page = this.route.page === 'login' || this.route.page === 'notFound' ? null : PAGES[this.route.page];
    const content = this.view(this.context());
    this.host.draw(
      frame(this.session, page?.nav ?? null, this.lang, t, this.actions, content),
      `${page ? t(`nav.${page.nav}`) : t('refusal.404')} · ${t('app.title')}`,
      this.lang,
    );
  }

  private async submitLogin(values: FormValues): Promise<void> {
    const name = typeof values.name === 'string' ? values.name.trim() : '';
    const password = typeof values.password === 'string' ? values.password : '';
    this.login.busy = true;
    this.login.error = undefined;
    this.draw();
    try {
      this.session = await this.host.api.login(name, password);
      this.login.notice = undefined;
    } catch (error) {
      this.login.error = error;
    }
    this.login.busy = false;
    if (!this.session) return this.draw();
    this.go(this.returnTo);
  }

  private async logout(): Promise<void> {
    try {
      await this.host.api.logout();
    } catch {
      // The cookie may already be gone; the UI forgets the session either way.
    }
    this.session = null;
    this.host.api.useSession(null);
    this.login.notice = 'loggedOut';
    this.returnTo = UI_ROUTES.overview;
    this.view = null;
    this.go(UI_ROUTES.login);
  }

  private expired(): void {
    this.session = null;
    this.host.api.useSession(null);
    this.login.notice = 'expired';
    this.returnTo = this.route.hash;
    this.view = null;
    this.draw();
  }
}
