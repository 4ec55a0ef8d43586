import { assessmentImport, assessmentPreview, assessmentResults } from './assessments';
import { auditList } from './audit';
import { setPassword, setPasswordPage, signIn, signInPage, signOut } from './auth';
import { contactList, contactRevoke, inviteCreate } from './contacts';
import type { Handler } from './context';
import { deliveryCancel, deliveryList, deliveryRetry } from './deliveries';
import { milestoneAdd, milestoneDetail, milestoneEdit, milestoneList, milestoneRemove } from './milestones';
import { overview } from './overview';
import { faqPublish, handoffReassign, questionList } from './questions';

export type { PageContext, PageResult } from './context';

/** Every console page by its path under /admin ('overview' is /admin itself), with its GET and POST handlers. */
export const PAGES: Record<string, { GET?: Handler; POST?: Handler }> = {
  overview: { GET: overview },
  'sign-in': { GET: signInPage, POST: signIn },
  'set-password': { GET: setPasswordPage, POST: setPassword },
  'sign-out': { POST: signOut },
  milestones: { GET: milestoneList, POST: milestoneAdd },
  'milestones/:id': { GET: milestoneDetail, POST: milestoneEdit },
  'milestones/:id/remove': { POST: milestoneRemove },
  contacts: { GET: contactList },
  'contacts/invite': { POST: inviteCreate },
  'contacts/:id/revoke': { POST: contactRevoke },
  deliveries: { GET: deliveryList },
  'deliveries/:id/retry': { POST: deliveryRetry },
  'deliveries/:id/cancel': { POST: deliveryCancel },
  assessments: { GET: assessmentResults },
  'assessments/preview': { POST: assessmentPreview },
  'assessments/import': { POST: assessmentImport },
  questions: { GET: questionList },
  'questions/:ref/reassign': { POST: handoffReassign },
  'questions/:ref/publish': { POST: faqPublish },
  audit: { GET: auditList },
};
