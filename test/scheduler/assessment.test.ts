import fs from 'node:fs';
import path from 'node:path';
import { AssessmentCsvError, MAX_ASSESSMENT_ROWS, decodeAssessmentCsv, parseAssessmentCsv, rankYear } from '../../scheduler/assessment';
import { databaseIn } from '../support/backends';
import { FakeConnector } from './fakeConnector';
import { World, adminInChild, buildKnowledge, tempDir } from './world';

/** The yearly assessment of item 5.5: import, ranking, consequences, and who may see what. */

const Y2025 = `year,zone,level,score
2025,甲开发区,省级,90
2025,乙开发区,省级,85
2025,丙开发区,省级,80
2025,丁开发区,省级,75
2025,戊开发区,省级,70
2025,己开发区,省级,65
2025,国家开发区,国家级,95
`;

// 2026 ranks 甲 88, 丙 82, 丁 79, 己 70, 戊 61, 乙 60: the bottom three are 己, 戊, 乙; 戊 was in the bottom two in 2025 too.
const Y2026 = `year,zone,level,score
2026,甲开发区,省级,88
2026,乙开发区,省级,60
2026,丙开发区,省级,82
2026,丁开发区,省级,79
2026,戊开发区,省级,61
2026,己开发区,省级,70
2026,国家开发区,国家级,91
`;

describe('reading the CSV', () => {
  test('each problem names its line, and nothing is returned', () => {
    const csv =
      'year,zone,level,score\n2026,甲开发区,省级,88\n2026,乙开发区,市级,60\n\n2026,丙开发区,省级,八十\n26,丁开发区,省级,79\n2026,甲开发区,省级,70\n2026,戊开发区,省级\n';
    expect(() => parseAssessmentCsv(csv)).toThrow(AssessmentCsvError);
    try {
      parseAssessmentCsv(csv);
    } catch (err) {
      expect((err as AssessmentCsvError).problems).toEqual([
        'line 3: level “市级” must be 国家级 or 省级',
        'line 5: score “八十” is not a number',
        'line 6: year “26” is not a year between 2000 and 2100',
        'line 7: 甲开发区 already has a 2026 result on line 2',
        'line 8: expected 4 fields (year, zone, level, score), found 3',
      ]);
    }
  });

  test('a wrong header is named, and a broken quote gives its line', () => {
    expect(() => parseAssessmentCsv('year,zone,grade,score\n2026,甲,省级,1\n')).toThrow(
      'line 1: the header must name the columns year, zone, level, score; missing: level; unknown: grade',
    );
    expect(() => parseAssessmentCsv('year,zone,level,score\n2026,"甲,省级,1\n')).toThrow(/^line \d+: /);
    expect(() => parseAssessmentCsv('')).toThrow('the file is empty');
  });

  test('columns may come in any order, with a BOM', () => {
    expect(parseAssessmentCsv('\uFEFFscore,level,zone,year\n88.5,省级,甲开发区,2026\n')).toEqual([
      { year: 2026, zone: '甲开发区', level: '省级', score: 88.5, line: 2 },
    ]);
  });
});

describe('values no assessment has', () => {
  const problemsOf = (csv: string) => {
    try {
      parseAssessmentCsv(csv);
    } catch (err) {
      return (err as AssessmentCsvError).problems;
    }
    throw new Error('the file was accepted');
  };

  test('a score of 400 digits, or beyond a million, is refused with its line, not stored as Infinity', () => {
    expect(
      problemsOf(`year,zone,level,score\n2026,甲开发区,省级,${'9'.repeat(400)}\n2026,乙开发区,省级,1000001\n2026,丙开发区,省级,-5\n`),
    ).toEqual([
      'line 2: score “99999999999999999999… (400 characters)” is not between -1000000 and 1000000',
      'line 3: score “1000001” is not between -1000000 and 1000000',
    ]);
  });

  test('a NUL or another control character in a zone’s name is refused, naming it', () => {
    expect(
      problemsOf('year,zone,level,score\n2026,甲\u0000开发区,省级,80\n2026,"乙\u202e开发区",省级,70\n2026,丙\u0007开发区,省级,60\n'),
    ).toEqual([
      "line 2: the zone's name contains a control character (U+0000)",
      "line 3: the zone's name contains a control character (U+202E)",
      "line 4: the zone's name contains a control character (U+0007)",
    ]);
  });

  test('cells that a spreadsheet would run as formulas are stored as typed', () => {
    expect(parseAssessmentCsv('year,zone,level,score\n2026,=1+2,省级,80\n2026,@开发区,省级,70\n').map((r) => r.zone)).toEqual([
      '=1+2',
      '@开发区',
    ]);
  });

  test('a file in GBK (Excel’s “CSV” on Chinese Windows) or UTF-16 is refused as such, not line by line', () => {
    const gbk = Buffer.from('796561722c7a6f6e652c6c6576656c2c73636f72650a323032362cbcd7bfaab7a2c7f82ccaa1bcb62c38380a', 'hex');
    expect(() => decodeAssessmentCsv(gbk)).toThrow(
      'the file is not UTF-8 (it reads as GBK/GB18030, what Excel saves as “CSV” on Chinese Windows): save it as “CSV UTF-8 (comma delimited)”',
    );
    expect(() => decodeAssessmentCsv(Buffer.from('\uFEFFyear', 'utf16le'))).toThrow('the file is UTF-16');
    expect(parseAssessmentCsv(decodeAssessmentCsv(Buffer.from('\uFEFFyear,zone,level,score\n2026,甲开发区,省级,88\n')))).toHaveLength(1);
  });

  test(`more than ${MAX_ASSESSMENT_ROWS.toLocaleString('en')} results are refused with one clear message`, () => {
    const rows = Array.from({ length: MAX_ASSESSMENT_ROWS + 1 }, (_, i) => `2026,开发区${i},省级,80`);
    expect(problemsOf(`year,zone,level,score\n${rows.join('\n')}\n`)).toEqual([
      'the file has more than 100,000 results: import at most that many at a time (one year per file, for instance)',
    ]);
    expect(parseAssessmentCsv(`year,zone,level,score\n${rows.slice(1).join('\n')}\n`)).toHaveLength(MAX_ASSESSMENT_ROWS);
  });
});

describe('ranking under item 5.5', () => {
  test('bottom three are warned; bottom two in both years are candidates for merger or exit; 国家级 is not ranked', () => {
    const results = rankYear(parseAssessmentCsv(Y2026), parseAssessmentCsv(Y2025));
    const byZone = Object.fromEntries(results.map((r) => [r.zone, [r.rank, r.warned, r.exitCandidate]]));
    expect(byZone).toEqual({
      甲开发区: [1, false, false],
      丙开发区: [2, false, false],
      丁开发区: [3, false, false],
      己开发区: [4, true, false],
      戊开发区: [5, true, true],
      乙开发区: [6, true, false],
      国家开发区: [null, false, false],
    });
  });

  test('ranks as counting each zone against every other would, ties and all', () => {
    let seed = 7;
    const rows = Array.from(
      { length: 500 },
      (_, i) =>
        ({
          year: 2026,
          zone: `Z${i}`,
          level: i % 5 ? '省级' : '国家级',
          score: (seed = (seed * 48271) % 2147483647) % 40,
          line: i + 2,
        }) as const,
    );
    const provincial = rows.filter((r) => r.level === '省级');
    const results = rankYear(rows, []);
    for (const [i, r] of rows.entries()) {
      if (r.level !== '省级') continue;
      expect(results[i].rank).toBe(1 + provincial.filter((o) => o.score > r.score).length);
      expect(results[i].warned).toBe(provincial.filter((o) => o.score < r.score).length < 3);
    }
  });

  test('zones tied at the boundary are all in the bottom three', () => {
    const rows = parseAssessmentCsv(
      'year,zone,level,score\n2026,A,省级,90\n2026,B,省级,80\n2026,C,省级,70\n2026,D,省级,70\n2026,E,省级,60\n',
    );
    expect(
      rankYear(rows, [])
        .filter((r) => r.warned)
        .map((r) => r.zone),
    ).toEqual(['C', 'D', 'E']);
    expect(rankYear(rows, []).map((r) => r.rank)).toEqual([1, 2, 3, 3, 5]);
  });
});

describe('sending and showing the results', () => {
  let world: World;
  const texts = (conversationId: string) => world.connector.delivered(conversationId).map((r) => r.text);

  beforeEach(async () => {
    world = await World.open({ now: '2027-04-01T09:00:00+08:00' });
    await world.bind('zone-e', '开发区 戊开发区');
    await world.bind('zone-a', '开发区 甲开发区');
    await world.bind('commerce', '部门 省商务厅');
    await world.bind('ops', '管理员');
    await world.bind('land', '部门 省国土资源厅');
  });

  afterEach(async () => {
    await world.close();
    await FakeConnector.stopAll();
    fs.rmSync(world.dir, { recursive: true, force: true });
  });

  async function importAndSend(csv: string) {
    const imported = await world.services.assessments.import(parseAssessmentCsv(csv));
    await world.scheduler.dispatch();
    return imported;
  }

  test('each zone gets its own result only; 省商务厅 and the admins get the whole table', async () => {
    await importAndSend(Y2025);
    const imported = await importAndSend(Y2026);
    expect(imported.years).toEqual([
      expect.objectContaining({
        year: 2026,
        warned: ['乙开发区', '戊开发区', '己开发区'],
        exitCandidates: ['戊开发区'],
        previousYearKnown: true,
      }),
    ]);

    const zoneE = texts('zone-e');
    expect(zoneE).toHaveLength(2);
    expect(zoneE[1]).toBe(
      '【2026年度经济开发区考核结果】戊开发区（省级）：得分61，在6个省级经济开发区中排名第5位。按行动计划第5.5条：连续两年考核后两位：通报警示，并列为兼并整合或退出对象。',
    );
    const otherZones = ['甲', '乙', '丙', '丁', '己', '国家'].map((z) => `${z}开发区`);
    for (const text of zoneE) for (const zone of otherZones) expect(text).not.toContain(zone);
    expect(texts('zone-a')[1]).toContain('排名第1位');
    expect(texts('zone-a').join()).not.toContain('戊开发区');

    for (const overseer of ['commerce', 'ops']) {
      const summary = texts(overseer)[1];
      for (const zone of [...otherZones, '戊开发区']) expect(summary).toContain(zone);
      expect(summary).toContain('兼并整合或退出：戊开发区');
    }
    expect(texts('land')).toEqual([]);
  });

  test('importing the same results again sends nothing; a corrected score is sent again', async () => {
    await importAndSend(Y2026);
    await importAndSend(Y2026);
    expect(texts('zone-e')).toHaveLength(1);
    expect(texts('zone-e')[0]).toContain('排名第5位');
    await importAndSend(Y2026.replace('2026,戊开发区,省级,61', '2026,戊开发区,省级,71'));
    expect(texts('zone-e')).toHaveLength(2);
    expect(texts('zone-e')[1]).toContain('得分71');
  });

  test('ranked before its transaction: if another import changes the year before meanwhile, nothing is stored', async () => {
    await importAndSend(Y2025);
    const transaction = world.db.transaction.bind(world.db);
    // Between this import's ranking (against 2025 as stored) and its writes, someone corrects 2025.
    jest.spyOn(world.db, 'transaction').mockImplementationOnce(async (work) => {
      await world.services.assessments.import(parseAssessmentCsv(Y2025.replace('2025,戊开发区,省级,70', '2025,戊开发区,省级,99')));
      return transaction(work);
    });
    await expect(world.services.assessments.import(parseAssessmentCsv(Y2026))).rejects.toThrow(
      'the 2025 results changed while this file was being ranked; nothing was stored: import it again',
    );
    expect(await world.services.assessments.results(2026)).toEqual([]);
    const again = await world.services.assessments.import(parseAssessmentCsv(Y2026));
    expect(again.years[0].exitCandidates).toEqual([]); // 戊 was no longer in the bottom two of 2025
  });

  test('in chat, admins and 省商务厅 see the table, a zone only its own line, others nothing', async () => {
    await importAndSend(Y2026);
    const full = await world.say('commerce', '2026年考核结果');
    expect(full).toMatch(/^【2026年度经济开发区考核结果】（7个）\n第1\/6名 甲开发区/);
    expect(full).toContain('注：没有2025年的结果');
    expect(await world.say('someone', 'assessment 2026', { isAdmin: true })).toMatch(/^\[Development zone assessment 2026\] \(7 zones\)/);
    const own = await world.say('zone-e', '2026年度考核结果');
    expect(own).toContain('戊开发区（省级）：得分61');
    expect(own).not.toContain('甲开发区');
    expect(await world.say('land', '2026年考核结果')).toContain('此会话不能查看');
    expect(await world.say('stranger', 'assessment 2026')).toMatch(/may not see them/);
    expect(await world.say('commerce', '2024年考核结果')).toBe('还没有2024年的考核结果。');
  });

  test('for a question about "our zone" or "our department", the dialog learns what a conversation is bound to, and a zone its last result', async () => {
    expect(await world.scheduler.commands.boundUnits('zone-e')).toEqual({ units: [], zones: ['戊开发区'] });
    expect(await world.scheduler.commands.boundUnits('land')).toEqual({ units: ['省国土资源厅'], zones: [] });
    expect(await world.scheduler.commands.boundUnits('stranger')).toEqual({ units: [], zones: [] });
    expect(await world.scheduler.commands.ownResults('zone-e', 'zh')).toBeNull();
    await importAndSend(Y2025);
    await importAndSend(Y2026);
    const own = await world.scheduler.commands.ownResults('zone-e', 'zh');
    expect(own).toContain('【2026年度经济开发区考核结果】戊开发区（省级）：得分61');
    expect(own).not.toContain('甲开发区');
    expect(await world.scheduler.commands.ownResults('land', 'zh')).toBeNull();
  });
});

describe('npm run admin -- assessment import', () => {
  afterEach(() => FakeConnector.stopAll());

  test('a file with an error is refused with its line, and nothing is stored; a good one is', async () => {
    const dir = tempDir();
    const dbPath = await databaseIn(dir);
    await buildKnowledge(dbPath);
    const bad = path.join(dir, 'bad.csv');
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(bad, Y2026.replace('2026,丁开发区,省级,79', '2026,丁开发区,省级,七十九'));
    fs.writeFileSync(good, Y2026);
    const admin = (...args: string[]) => adminInChild(dbPath, args);

    const refused = await admin('assessment', 'import', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 5: score “七十九” is not a number');
    expect(refused.stderr).toContain('nothing was stored');
    const world = await World.open({ now: '2027-04-01T09:00:00+08:00', dir });
    expect(await world.db.get('SELECT COUNT(*) AS n FROM sch_assessments')).toEqual({ n: 0 });
    await world.close();

    const imported = await admin('assessment', 'import', good);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('2026: 7 zones, 6 省级 ranked; 通报警示: 乙开发区, 戊开发区, 己开发区');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
