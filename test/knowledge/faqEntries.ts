import type { FaqEntry } from '../../knowledge';

/** Realistic published entries: questions the plan does not answer, answered by its units. */
export const PUBLISHED: FaqEntry[] = [
  {
    id: 'F-0001',
    lang: 'zh',
    questions: ['出口退税怎么办理', '出口退税要准备哪些单证'],
    answer: '出口退税在电子税务局申报，需报关单、增值税专用发票和出口收汇凭证，一般10个工作日内到账。',
    unit: '省财政厅',
    sourceDate: '2026-12-05',
    handoffRef: 'Q-2026-0042',
  },
  {
    id: 'F-0002',
    lang: 'zh',
    questions: ['高新技术企业认定需要哪些材料', '申请高企认定要交什么材料'],
    answer: '高新技术企业认定需提交认定申请书、知识产权证明、科技人员情况说明、近三年财务审计报告和研发费用专项审计报告。',
    unit: '省科技厅',
    sourceDate: '2026-11-20',
    handoffRef: null,
  },
  {
    id: 'F-0003',
    lang: 'zh',
    questions: ['外籍员工工作签证怎么办', '外国员工来开发区工作要办什么签证'],
    answer: '外籍员工先办理外国人工作许可，再凭许可通知申请Z字签证，入境后30日内办理工作类居留许可。',
    unit: '省商务厅',
    sourceDate: '2026-12-05',
    handoffRef: 'Q-2026-0043',
  },
  {
    id: 'F-0004',
    lang: 'en',
    questions: ['How do I apply for an export tax rebate?', 'What documents does an export VAT rebate need?'],
    answer:
      'Export rebates are filed online with the customs declaration, the VAT invoice and proof of foreign-exchange receipt; they usually arrive within 10 working days.',
    unit: '省财政厅',
    sourceDate: '2026-12-05',
    handoffRef: null,
  },
  {
    id: 'F-0005',
    lang: 'en',
    questions: ['How do our foreign engineers get a work visa?', 'What visa does a foreign employee need to work in a zone?'],
    answer:
      'Apply for a foreigner’s work permit first, then the Z visa with its notice; within 30 days of arrival, apply for a work residence permit.',
    unit: '省商务厅',
    sourceDate: '2026-12-05',
    handoffRef: null,
  },
];
