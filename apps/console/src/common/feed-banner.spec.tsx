import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n/i18n';
import { viewFor } from '../session/session';
import { FeedBanner } from './feed-banner';

describe('FeedBanner', () => {
  it('is an alert while the feed is down, in the chosen language, and absent when live', () => {
    const { rerender } = render(
      <I18nProvider lang="en">
        <FeedBanner status="down" />
      </I18nProvider>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Live feed down');
    rerender(
      <I18nProvider lang="en">
        <FeedBanner status="live" />
      </I18nProvider>,
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('viewFor (the role decides the view)', () => {
  const user = (role: Parameters<typeof viewFor>[0]['role']) => ({ id: '1', username: 'u', displayName: 'u', role, department: null });
  it('sends department roles to their department, viewers to the videowall, CGI where they ask', () => {
    expect(viewFor(user('DEPARTMENT_AGENT'), 'videowall')).toBe('department');
    expect(viewFor(user('VIEWER'), 'workstation')).toBe('videowall');
    expect(viewFor(user('CGI_OPERATOR'), 'auto')).toBe('workstation');
    expect(viewFor(user('CGI_SUPERVISOR'), 'videowall')).toBe('videowall');
  });
});
