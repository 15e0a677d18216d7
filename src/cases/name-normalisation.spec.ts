import { normaliseName as sut } from './name-normalisation';

/** Spellings an intake desk would call the same name meet in one key; different names do not. */
describe('normaliseName', () => {
  it.each([
    // The triple: hiragana, katakana, half-width katakana.
    ['やまだ', 'ヤマダ'],
    ['ヤマダ', 'ﾔﾏﾀﾞ'],
    ['やまだ', 'ﾔﾏﾀﾞ'],
    ['はなこ', 'ハナコ'],
    ['ﾊﾅｺ', 'はなこ'],
    // Spaces and middle dots.
    ['やまだ はなこ', 'ヤマダハナコ'],
    ['山田　花子', '山田花子'],
    ['マリア・ガルシア', 'マリアガルシア'],
    ['ﾏﾘｱ･ｶﾞﾙｼｱ', 'マリア ガルシア'],
    // Long vowels, written or implied.
    ['ゆうこ', 'ユーコ'],
    ['ユウコ', 'ユコ'],
    ['さとう', 'サトー'],
    ['サトウ', 'サトオ'],
    ['おおの', 'オーノ'],
    ['けいこ', 'ケーコ'],
    ['ｻﾄｰ', 'さとう'],
    ['ゆういち', 'ユーイチ'],
    ['りょうこ', 'リョーコ'],
    // Small kana written large.
    ['キョウコ', 'キヨウコ'],
    ['しょうた', 'シヨウタ'],
    ['ハットリ', 'ハツトリ'],
    ['ジュンコ', 'ジユンコ'],
    // 四つ仮名 and ヴ.
    ['ちぢわ', 'チジワ'],
    ['つづき', 'ツズキ'],
    ['ヴィクトル', 'ビクトル'],
    // 異体字.
    ['髙橋', '高橋'],
    ['山﨑', '山崎'],
    ['山嵜', '山崎'],
    ['渡邊', '渡辺'],
    ['渡邉', '渡辺'],
    ['齋藤', '斎藤'],
    ['澤田', '沢田'],
    ['濱口', '浜口'],
    ['櫻井', '桜井'],
    ['廣田', '広田'],
    ['國分', '国分'],
    ['嶋田', '島田'],
    ['冨田', '富田'],
    // Full-width Latin.
    ['ＳＭＩＴＨ', 'smith'],
    ['Ｊｏｈｎ　Ｓｍｉｔｈ', 'john smith'],
  ])('%s ≡ %s', (a, b) => {
    expect(sut(a)).toBe(sut(b));
    expect(sut(a)).not.toBe('');
  });

  it.each([
    ['やまだ', 'やまた'],
    ['斎藤', '斉藤'],
    ['アオイ', 'アイ'],
    ['たなか', 'なかた'],
    ['ハナコ', 'ハナエ'],
    ['小野', '大野'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(sut(a)).not.toBe(sut(b));
  });

  it('gives an empty key for nothing, blanks and separators only', () => {
    expect(sut(null)).toBe('');
    expect(sut(undefined)).toBe('');
    expect(sut('')).toBe('');
    expect(sut(' 　・ ')).toBe('');
  });

  it('writes the key in katakana and everyday kanji', () => {
    expect(sut('やまだ　はなこ')).toBe('ヤマダハナコ');
    expect(sut('髙橋')).toBe('高橋');
  });
});
