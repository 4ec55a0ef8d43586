/** The plan as structured records: what the parser produces and the knowledge base stores. */

export interface PlanDocument {
  title: string;
  docNumber: string | null;
  issuer: string | null;
  noticeTitle: string | null;
  addressees: string[];
  noticeText: string | null;
  signedDate: string | null; // 成文日期, ISO yyyy-mm-dd
  printedDate: string | null; // 印发日期, ISO yyyy-mm-dd
  publication: string | null; // e.g. 此件公开发布
  copyTo: string[];
  preamble: string | null;
  /** The document the plan says it implements (根据《…》（…）精神). */
  basis: string | null;
  leadRule: string | null; // e.g. 排在首位的部门为牵头部门
}

export interface Figure {
  value: number;
  unit: string;
}

export interface Goal {
  text: string;
  figures: Figure[];
}

export interface Overall {
  heading: string;
  text: string;
  goals: Goal[];
}

export interface Section {
  no: number;
  title: string;
  kind: 'overall' | ItemSection | 'other';
}

export interface Action {
  no: number;
  title: string;
}

export type ItemSection = 'tasks' | 'organization';

export interface Item {
  id: string; // "4.3" under 主要任务, "O.2" under 组织实施
  section: ItemSection;
  actionNo: number | null;
  actionTitle: string;
  no: number;
  title: string;
  text: string; // full text, without the responsibility list
  units: string[]; // in the plan's order, lead first, no duplicates
  lead: string | null;
  coUnits: string[];
  line: number; // 1-based line of the item's first line in the source
}

export interface Deadline {
  itemId: string | null; // null: the 总体要求
  year: number;
  due: string; // ISO date: the end of the year named
  sentence: string;
}

export interface Recurring {
  itemId: string | null;
  keyword: string; // 每年, 定期, 逐年 …
  sentence: string;
}

export interface Plan {
  document: PlanDocument;
  overall: Overall | null;
  sections: Section[];
  actions: Action[];
  items: Item[];
  deadlines: Deadline[];
  recurring: Recurring[];
}

/** A source that is not a plan, or a plan whose structure is broken. Nothing is written when it is thrown. */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line ? `line ${line}: ${message}` : message);
    this.name = 'PlanError';
  }
}
