/** Commands that change (or annotate) an occurrence; the lifecycle decides which are legal. */
export const OCCURRENCE_COMMANDS = [
  'TRIAGE',
  'DISPATCH',
  'ACKNOWLEDGE',
  'ON_SCENE',
  'RESOLVE',
  'CLOSE',
  'CANCEL',
  'REOPEN',
  'MERGE',
  'UNMERGE',
  'OVERRIDE_ROUTING',
  'ADD_NOTE',
] as const;

export type OccurrenceCommand = (typeof OCCURRENCE_COMMANDS)[number];

/** Options of a lifecycle check. `isLead`: the acting department leads the occurrence (default false). */
export interface TransitionOptions {
  isLead?: boolean;
}
