import { XMLBuilder } from 'fast-xml-parser';
import { CAP_CONTENT_TYPE } from './cap-xml';

export interface AtomAlertEntry {
  /** The CAP identifier of the alert's latest message. */
  identifier: string;
  /** The latest message's `sent`, ISO. */
  updated: string;
  headline: string;
  summary: string;
  /** Absolute URL of the CAP XML. */
  capUrl: string;
  severity: string;
  urgency: string;
  expires: string;
}

/**
 * The Atom feed of the alerts in force, as alert hubs and aggregators poll it: one entry per
 * alert, its `link` to the CAP XML with type application/cap+xml (rel alternate), newest first.
 */
export function atomFeed(feed: { id: string; selfUrl: string; title: string; author: string; updated: string }, entries: AtomAlertEntry[]): string {
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true });
  const doc = {
    feed: {
      '@_xmlns': 'http://www.w3.org/2005/Atom',
      '@_xml:lang': 'pt-PT',
      id: feed.id,
      title: feed.title,
      updated: feed.updated,
      author: { name: feed.author },
      link: { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': feed.selfUrl },
      entry: entries.map((e) => ({
        id: `urn:cap:${e.identifier}`,
        title: e.headline,
        updated: e.updated,
        summary: `${e.summary} (${e.severity}, ${e.urgency}; expira ${e.expires})`,
        link: { '@_rel': 'alternate', '@_type': CAP_CONTENT_TYPE, '@_href': e.capUrl },
      })),
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(doc) as string}`;
}
