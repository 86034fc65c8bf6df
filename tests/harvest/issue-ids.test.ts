import { describe, expect, it } from 'vitest';
import { parseAnswer, readMeeting } from '../../src/harvest/moderngov.js';
import { meetingFromSite } from '../../src/harvest/to-meeting.js';

// The shape of GetMeeting's answer as the recorded sites give it (tests/fixtures/moderngov), cut to two items: one
// with an issue id, as sites that track issues fill it, and one with the 0 that sites without issue tracking answer.
const answer = `<?xml version="1.0" encoding="utf-8"?>
<meeting>
  <meetingid>3001</meetingid>
  <meetingdate>14/10/2025</meetingdate>
  <meetingtime>7.00 pm</meetingtime>
  <meetingstatus>Confirmed</meetingstatus>
  <agendaitems>
    <agendaitem>
      <agendaitemid>9001</agendaitemid>
      <agendaitemtitle>Medium Term Financial Plan</agendaitemtitle>
      <agendaitemnumber>5</agendaitemnumber>
      <fulldisplaynumberformat>5.</fulldisplaynumberformat>
      <issueid>4411</issueid>
    </agendaitem>
    <agendaitem>
      <agendaitemid>9002</agendaitemid>
      <agendaitemtitle>Hertford Theatre Redevelopment</agendaitemtitle>
      <agendaitemnumber>6</agendaitemnumber>
      <fulldisplaynumberformat>6.</fulldisplaynumberformat>
      <issueid>0</issueid>
    </agendaitem>
  </agendaitems>
</meeting>`;

describe("a harvest keeps the council site's issue id of each item", () => {
  it('stores the id a site gives and none for the 0 of a site without issue tracking', () => {
    const meeting = readMeeting(parseAnswer(answer));
    expect(meeting.items.map((item) => item.issueId)).toEqual(['4411', '']);
    const record = meetingFromSite(meeting, { council: 'east-herts', committee: 'Executive', committeeId: '160', baseUrl: 'https://democracy.example.gov.uk', now: new Date('2025-10-01T00:00:00Z') });
    expect((record.sections ?? []).map((section) => [section.heading, section.issue])).toEqual([
      ['Medium Term Financial Plan', '4411'],
      ['Hertford Theatre Redevelopment', undefined],
    ]);
  });
});
