import type { ReactNode } from 'react';
import type { EscalationLevel, Priority } from '@cgi/shared';

const SHAPE: Record<Priority, string> = { P1: '◆', P2: '■', P3: '●', P4: '○' };

/** Priority as colour, shape and text. */
export function PriorityBadge({ priority }: { priority: Priority }): ReactNode {
  return (
    <span className={`badge badge--${priority.toLowerCase()}`} aria-label={priority}>
      <span aria-hidden="true">{SHAPE[priority]}</span> {priority}
    </span>
  );
}

export function EscalationBadge({ level }: { level: EscalationLevel }): ReactNode {
  if (level === 'L0') return null;
  return (
    <span className={`badge badge--esc badge--${level.toLowerCase()}`} aria-label={`escalation ${level}`}>
      ▲ {level}
    </span>
  );
}
