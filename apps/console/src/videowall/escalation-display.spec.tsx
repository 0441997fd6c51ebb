import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ReactNode } from 'react';
import type { LiveOccurrenceEvent } from '@cgi/shared';
import { I18nProvider, type Lang } from '../i18n/i18n';
import { assignment, liveEvent, occurrence } from '../testing/fixtures';
import { EventTicker } from './event-ticker';
import { UrgentList } from './urgent-list';

const NOW = Date.parse('2026-11-27T10:03:00.000Z');

/** A P1 fire: FIRE leads and acknowledged; POLICE (support) did not, and escalated L1 on its own ladder. */
const fire = occurrence({
  reference: 'OC-FIRE',
  category: 'FIRE_BUILDING',
  priority: 'P1',
  lead: 'FIRE',
  escalationLevel: 'L1',
  assignments: [
    assignment({ department: 'FIRE', role: 'LEAD', state: 'ACKNOWLEDGED', acknowledgedAt: '2026-11-27T10:01:00.000Z' }),
    assignment({ department: 'POLICE', role: 'SUPPORT', escalationLevel: 'L1' }),
    assignment({ department: 'CIVIL_PROTECTION', role: 'SUPPORT', state: 'ACKNOWLEDGED' }),
  ],
});

function escalated(position: string, payload: Record<string, unknown>): LiveOccurrenceEvent {
  const e = liveEvent(position, fire, 'ESCALATED');
  return { ...e, event: { ...e.event, payload } };
}

const inLang = (ui: ReactNode, lang: Lang = 'pt') => render(<I18nProvider lang={lang}>{ui}</I18nProvider>);

describe('videowall: escalations of support and coordinator departments (ADR 0017)', () => {
  it('the urgent list names the support department that missed, with its level and role; not the ones that did not', () => {
    inLang(<UrgentList items={[fire]} now={NOW} />);
    const row = screen.getByTestId('escalated-departments');
    expect(row).toHaveTextContent('Escalados: ▲ L1 Polícia Municipal (apoio)');
    expect(within(row).queryByText(/Sapadores|Proteção Civil/)).toBeNull();
    expect(within(row).getByText(/Polícia Municipal/).className).toContain('urgent__dep--l1');
  });

  it('lists every escalated department, highest level first, the lead without a role; nothing when none escalated', () => {
    const worse = occurrence({
      lead: 'FIRE',
      escalationLevel: 'L3',
      assignments: [
        assignment({ department: 'POLICE', role: 'SUPPORT', escalationLevel: 'L2' }),
        assignment({ department: 'FIRE', role: 'LEAD', escalationLevel: 'L3' }),
        assignment({ department: 'CIVIL_PROTECTION', role: 'COORDINATOR', escalationLevel: 'L2' }),
        assignment({ department: 'MOBILITY', role: 'SUPPORT', escalationLevel: 'L1', state: 'RELEASED' }),
      ],
    });
    const calm = occurrence({ reference: 'OC-CALM' });
    inLang(<UrgentList items={[worse, calm]} now={NOW} />, 'en');
    const rows = screen.getAllByTestId('escalated-departments');
    expect(rows).toHaveLength(1);
    expect([...rows[0].querySelectorAll('[data-department]')].map((e) => e.textContent)).toEqual([
      '▲ L3 Fire Brigade',
      '▲ L2 Civil Protection (coordinator)',
      '▲ L2 Municipal Police (support)',
    ]);
  });

  it('the ticker names the department of an escalation and its role when it is not the lead', () => {
    inLang(
      <EventTicker
        events={[
          escalated('9.2', { level: 'L2', kind: 'ACKNOWLEDGE', department: 'POLICE', role: 'SUPPORT' }),
          escalated('9.1', { level: 'L1', kind: 'ACKNOWLEDGE', department: 'FIRE', role: 'LEAD' }),
        ]}
      />,
    );
    const items = within(screen.getByTestId('ticker')).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Escalada · OC-FIRE');
    expect(items[0]).toHaveTextContent('Polícia Municipal (apoio) · L2');
    expect(items[1]).toHaveTextContent('Sapadores Bombeiros · L1');
    expect(items[1]).not.toHaveTextContent('(');
  });
});
