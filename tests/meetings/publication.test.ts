import { describe, expect, it } from 'vitest';
import { partTexts, stampParts, substantialChange, type PublicationStamps } from '../../src/meetings/publication.js';

const none: PublicationStamps = {
  agenda: { publishedAt: null, changedAt: null },
  minutes: { publishedAt: null, changedAt: null },
  summary: { publishedAt: null, changedAt: null },
};
const minute = 'The panel noted that 54.2% of care leavers were in education, employment or training in April, down from 57.5% in November, and asked for district figures and an update on bus passes.';

describe('a substantial change', () => {
  it('is not a typo, punctuation, layout or a reordering', () => {
    expect(substantialChange(minute, minute.replace('employment', 'employmnet'))).toBe(false);
    expect(substantialChange(minute, minute.replace(', and asked', '; and asked'))).toBe(false);
    expect(substantialChange('First point.\n\nSecond point here.', 'Second point here.\n\nFirst point.')).toBe(false);
  });

  it('is a figure that appears, disappears or is corrected', () => {
    expect(substantialChange(minute, minute.replace('54.2%', '52.4%'))).toBe(true);
    expect(substantialChange('The plan costs £1.2m a year.', 'The plan costs £1.5m a year.')).toBe(true);
    expect(substantialChange('The plan was endorsed.', 'The plan was endorsed at a cost of £1.2m.')).toBe(true);
  });

  it('is at least 15% of the words', () => {
    expect(substantialChange(minute, `${minute} Members also asked officers to report back on apprenticeships.`)).toBe(true);
    expect(substantialChange(minute, `${minute} Agreed.`)).toBe(false);
  });
});

describe('publication stamps', () => {
  const t1 = new Date('2025-06-10T05:00:00Z');
  const t2 = new Date('2025-06-24T05:00:00Z');

  it('publish a part when it first has text, and leave parts the writer does not give alone', () => {
    const after = stampParts({}, { agenda: 'Care leavers', minutes: '' }, none, t1);
    expect(after).toEqual({ agenda: { publishedAt: t1, changedAt: t1 }, minutes: none.minutes, summary: none.summary });
  });

  it('keep the first publication and move the change only for a substantial one', () => {
    const published = stampParts({}, { minutes: minute }, none, t1);
    expect(stampParts({ minutes: minute }, { minutes: minute.replace('employment', 'employmnet') }, published, t2).minutes).toEqual({ publishedAt: t1, changedAt: t1 });
    expect(stampParts({ minutes: minute }, { minutes: minute.replace('54.2%', '52.4%') }, published, t2).minutes).toEqual({ publishedAt: t1, changedAt: t2 });
  });

  it('read a harvest as agenda and minutes, an import as the summary', () => {
    const written = { summary: 'A summary.', sections: [{ heading: 'Item', blocks: [{ type: 'paragraph' as const, text: 'Minuted.' }] }], decisions: [{ text: 'Agreed.' }] };
    expect(partTexts(written, 'harvest')).toEqual({ agenda: 'Item', minutes: 'Minuted.\n\nAgreed.' });
    expect(partTexts(written, 'import')).toEqual({ summary: 'A summary.\n\nItem\nMinuted.\n\nAgreed.' });
    expect(partTexts({ sections: [{ heading: 'Item', blocks: [] }], decisions: [] }, 'harvest')).toEqual({ agenda: 'Item', minutes: '' });
  });
});
