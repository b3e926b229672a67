import type { PageRegistry } from '../context';
import { auditPage } from './audit';
import { deadLetterPage } from './deadLetter';
import { deadLettersPage } from './deadLetters';
import { overviewPage } from './overview';
import { incidentPage, incidentsPage, reconcileRunPage, reconcileRunsPage } from './reports';
import { stuckPage } from './stuck';
import { subscriberPage, subscribersPage } from './subscribers';
import { tracePage } from './trace';
import { transactionPage } from './transaction';
import { transactionsPage } from './transactions';

/** Every page behind the login, by route name. */
export const PAGES: PageRegistry = {
  overview: overviewPage,
  transactions: transactionsPage,
  transaction: transactionPage,
  trace: tracePage,
  stuck: stuckPage,
  subscribers: subscribersPage,
  subscriber: subscriberPage,
  deadLetters: deadLettersPage,
  deadLetter: deadLetterPage,
  reconcileRuns: reconcileRunsPage,
  reconcileRun: reconcileRunPage,
  incidents: incidentsPage,
  incident: incidentPage,
  audit: auditPage,
};
