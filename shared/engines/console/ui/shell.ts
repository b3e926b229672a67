/**
 * @module console/ui/shell — the frame around every page (navigation, who is logged in, language,
 * logout) and the login form.
 */
import type { SessionInfo } from '../api';
import { UI_ROUTES } from '../contract';
import { refusal } from './components';
import type { NavItem } from './context';
import { NAV_ITEMS } from './context';
import type { Lang, Translate } from './i18n';
import { LANGS } from './i18n';
import type { FormValues, VNode } from './view';
import { h } from './view';

export interface ShellActions {
  setLang(lang: Lang): void;
  logout(): void;
  login(values: FormValues): void;
}

const NAV_ROUTES: Readonly<Record<NavItem, string>> = {
  overview: UI_ROUTES.overview,
  transactions: UI_ROUTES.transactions(),
  stuck: UI_ROUTES.stuck,
  subscribers: UI_ROUTES.subscribers,
  deadLetters: UI_ROUTES.deadLetters,
  reconcileRuns: UI_ROUTES.reconcileRuns,
  incidents: UI_ROUTES.incidents,
  audit: UI_ROUTES.audit,
};

/** The switch shows the other language's own name, so a reader of either finds it. */
function langSwitch(lang: Lang, t: Translate, actions: ShellActions): VNode {
  return h(
    'div',
    { class: 'lang', role: 'group', 'aria-label': t('lang.label') },
    LANGS.map((option) =>
      h(
        'button',
        {
          type: 'button',
          class: option === lang ? 'selected' : null,
          'aria-pressed': option === lang ? 'true' : 'false',
          'data-lang': option,
          on: { click: () => actions.setLang(option) },
        },
        t(`lang.${option}`),
      ),
    ),
  );
}

export function frame(
  session: SessionInfo,
  current: NavItem | null,
  lang: Lang,
  t: Translate,
  actions: ShellActions,
  content: VNode,
): VNode {
  return h(
    'div',
    { class: 'app' },
    h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: UI_ROUTES.overview }, t('app.title')),
      h(
        'div',
        { class: 'who' },
        h('span', { 'data-test': 'who' }, session.operator.name, ' · ', t(`role.${session.operator.role}`)),
        langSwitch(lang, t, actions),
        h('button', { type: 'button', 'data-test': 'logout', on: { click: actions.logout } }, t('app.logout')),
      ),
    ),
    h(
      'nav',
      { class: 'sidebar', 'aria-label': t('app.navigation') },
      h(
        'ul',
        null,
        NAV_ITEMS.map((item) =>
          h(
            'li',
            null,
            h(
              'a',
              { href: NAV_ROUTES[item], class: item === current ? 'current' : null, 'aria-current': item === current ? 'page' : null },
              t(`nav.${item}`),
            ),
          ),
        ),
      ),
    ),
    h('main', { class: 'content', id: 'content' }, content),
  );
}

export interface LoginState {
  busy: boolean;
  error?: unknown;
  /** Shown above the form, e.g. after a session expired. */
  notice?: 'expired' | 'loggedOut';
}

export function loginView(state: LoginState, lang: Lang, t: Translate, actions: ShellActions): VNode {
  return h(
    'div',
    { class: 'login-page' },
    h(
      'form',
      { class: 'login', 'data-test': 'login-form', on: { submit: actions.login } },
      h('h1', null, t('app.title')),
      langSwitch(lang, t, actions),
      state.notice ? h('p', { class: 'notice', role: 'status' }, t(`login.${state.notice}`)) : null,
      h(
        'label',
        null,
        h('span', null, t('login.name')),
        h('input', { name: 'name', autocomplete: 'username', required: true, maxlength: 64, autofocus: true }),
      ),
      h(
        'label',
        null,
        h('span', null, t('login.password')),
        h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 }),
      ),
      h('button', { type: 'submit', class: 'primary', disabled: state.busy }, t('login.submit')),
      state.error ? refusal(state.error, t) : null,
    ),
  );
}

export function notFoundView(t: Translate): VNode {
  return h(
    'div',
    { class: 'refusal status-404', role: 'alert' },
    h('strong', null, t('refusal.404')),
    h('p', null, t('app.noSuchPage')),
    h('a', { href: UI_ROUTES.overview }, t('nav.overview')),
  );
}

export function loadingView(t: Translate): VNode {
  return h('p', { class: 'loading', 'aria-busy': 'true' }, t('common.loading'));
}
