import type { ConversationAccount } from 'botbuilder';
import { addressOfReference } from '../../dialogs/address';
import type { Services } from '../../scheduler/services';

/** What a load of reminders is made of: `contacts` liaisons of 省国土资源厅, each owed one reminder per milestone. */
export interface ReminderLoad {
  contacts: number;
  milestones: number;
  /** The connector the liaisons' conversations are on. */
  serviceUrl: string;
}

/**
 * Replaces the seeded milestones with `milestones` of item 4.3 due 2027-03-31 (a week after
 * 2027-03-24, when the 7-day reminder is due) and binds `contacts` conversations `load-<n>` to
 * 4.3's lead unit, so that a scan on 2027-03-24 enqueues contacts × milestones reminders.
 */
export async function prepareReminderLoad(services: Services, load: ReminderLoad): Promise<void> {
  for (const m of await services.milestones.list()) await services.milestones.remove(m.id);
  for (let i = 0; i < load.milestones; i += 1) {
    await services.milestones.add({ itemId: '4.3', due: '2027-03-31', title: `负载节点 ${i + 1}`, audience: 'lead' });
  }
  for (let i = 0; i < load.contacts; i += 1) {
    const { code } = await services.contacts.createInvite({ kind: 'unit', target: '省国土资源厅' });
    const reference = {
      channelId: 'msteams',
      serviceUrl: load.serviceUrl,
      conversation: { id: `load-${i}` } as ConversationAccount,
      user: { id: `user-${i}`, name: `user-${i}` },
      bot: { id: 'bot', name: 'EDZ Assistant' },
    };
    await services.contacts.bind({ code, address: addressOfReference(reference)!, userId: `user-${i}`, lang: 'zh' });
  }
}

/** The time the load's reminders are due to be scanned and sent. */
export const LOAD_TIME = '2027-03-24T09:00:00+08:00';
