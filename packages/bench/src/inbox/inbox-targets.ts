import type { Target } from '../report-schema';
import type { InboxSection } from './inbox-report-schema';

/** Drop → warehouse within this multiple of PostgreSQL's own `COPY … FROM` of the same CSV (issue 13). */
export const inboxFloorRatioTarget = 3;
/** Every service's peak RSS while a file of any size flows through (issue 13). */
export const inboxPeakRssTargetBytes = 256 * 2 ** 20;
/** The targets are stated for at least a gigabyte of CSV: smaller drops do not show them. */
export const inboxTargetBytes = 1e9;

/**
 * The verdicts on the inbox's two targets: the ratio to the floor of every format, and the highest peak RSS of
 * any service over every drop. Below a gigabyte of CSV, or with services under tsx (not as deployed), the verdict
 * is "not shown", with what it would be.
 */
export function evaluateInboxTargets(section: Omit<InboxSection, 'targets'>, bundled: boolean): Target[] {
  const atSize = section.csvBytes >= inboxTargetBytes;
  const sizeNote = atSize
    ? ''
    : `only ${(section.csvBytes / 1e6).toFixed(0)} MB of CSV: the target is stated for ≥ 1 GB; `;
  const worstRatio = Math.max(0, ...section.cases.map((entry) => entry.ratioToFloor));
  const peaks = [
    ...section.cases.map((entry) => ({ what: entry.format, rss: entry.serviceRssMiB })),
    ...(section.smallFiles ? [{ what: 'small files', rss: section.smallFiles.serviceRssMiB }] : []),
  ].flatMap(({ what, rss }) => Object.entries(rss).map(([service, mib]) => ({ what, service, mib })));
  const highest = peaks.reduce((high, entry) => (entry.mib > high.mib ? entry : high), {
    what: '—',
    service: '—',
    mib: 0,
  });
  const verdict = (met: boolean, shown: boolean) => (!shown ? 'not shown' : met ? 'met' : 'not met');
  const ratioMet = worstRatio <= inboxFloorRatioTarget;
  const rssMet = highest.mib * 2 ** 20 <= inboxPeakRssTargetBytes;
  return [
    {
      name: 'inbox drop vs COPY … FROM floor',
      target: `≤ ${inboxFloorRatioTarget}× for ≥ 1 GB of CSV, every format`,
      measured: section.cases.map((entry) => `${entry.format} ${entry.ratioToFloor.toFixed(2)}×`).join(', '),
      verdict: verdict(ratioMet, atSize && section.cases.length > 0),
      note: `${sizeNote}${atSize ? '' : `would be ${ratioMet ? 'met' : 'not met'}`}`.trim(),
    },
    {
      name: 'inbox peak RSS per service',
      target: `≤ ${(inboxPeakRssTargetBytes / 2 ** 20).toFixed(1)} MiB, as deployed (bundled)`,
      measured: `${highest.mib.toFixed(1)} MiB (${highest.service}, ${highest.what})`,
      verdict: verdict(rssMet, atSize && bundled),
      note: [
        sizeNote,
        bundled ? '' : 'the services ran under tsx, not as deployed; ',
        atSize && bundled ? '' : `would be ${rssMet ? 'met' : 'not met'}`,
      ]
        .join('')
        .trim(),
    },
  ];
}
