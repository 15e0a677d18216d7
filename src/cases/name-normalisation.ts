/**
 * One normal form of a Japanese personal name, for search and duplicate matching (issue 17): two
 * spellings that a person at an intake desk would call "the same name" get the same key, while
 * the name as entered is stored and shown unchanged. The key is never shown to anyone.
 *
 * Steps, in order:
 * 1. Unicode NFKC: half-width katakana (ﾔﾏﾀﾞ) become full-width with their voiced marks composed,
 *    full-width Latin letters and digits become ASCII, compatibility forms fold;
 * 2. hiragana → katakana (やまだ → ヤマダ);
 * 3. spaces (ASCII and ideographic), middle dots and similar separators are removed;
 * 4. small kana → their full-size kana (ァ→ア, ッ→ツ, ャ→ヤ…), as bank and legacy registers write them;
 * 5. the 四つ仮名 and ヴ: ヂ→ジ, ヅ→ズ, ヴァ/ヴィ/ヴェ/ヴォ→バ/ビ/ベ/ボ (before step 4), ヴ→ブ;
 * 6. long vowels: every long-vowel mark (ー and its look-alikes) is dropped, and so is a vowel
 *    that only lengthens the one before it (オウ/オオ → オ, ユウ → ユ, エイ → エ, アア → ア…), so
 *    ユウコ, ユーコ and ユコ meet, as do サトウ, サトー and サトオ;
 * 7. common 異体字 (variant kanji) pairs fold to the form in everyday use (髙→高, 﨑→崎, 邊/邉→辺…);
 * 8. Latin letters are lower-cased.
 */

const VARIANT_KANJI: Record<string, string> = {
  髙: '高',
  﨑: '崎',
  嵜: '崎',
  碕: '崎',
  邊: '辺',
  邉: '辺',
  澤: '沢',
  濱: '浜',
  濵: '浜',
  齋: '斎',
  齊: '斉',
  櫻: '桜',
  廣: '広',
  國: '国',
  德: '徳',
  眞: '真',
  惠: '恵',
  冨: '富',
  嶋: '島',
  嶌: '島',
  槇: '槙',
  淺: '浅',
  瀨: '瀬',
  壽: '寿',
  鐵: '鉄',
  藏: '蔵',
  實: '実',
  增: '増',
  學: '学',
  龍: '竜',
  曻: '昇',
  栁: '柳',
  籠: '篭',
  圓: '円',
  會: '会',
  萬: '万',
  與: '与',
  傳: '伝',
  團: '団',
  條: '条',
  將: '将',
};

const SMALL_KANA: Record<string, string> = {
  ァ: 'ア',
  ィ: 'イ',
  ゥ: 'ウ',
  ェ: 'エ',
  ォ: 'オ',
  ッ: 'ツ',
  ャ: 'ヤ',
  ュ: 'ユ',
  ョ: 'ヨ',
  ヮ: 'ワ',
  ヵ: 'カ',
  ヶ: 'ケ',
};

const FOUR_KANA: Record<string, string> = { ヂ: 'ジ', ヅ: 'ズ', ヴ: 'ブ' };

/** ヴァ ヴィ ヴェ ヴォ are read バ ビ ベ ボ. */
const VA_ROW: Record<string, string> = { ァ: 'バ', ィ: 'ビ', ェ: 'ベ', ォ: 'ボ' };

/** The vowel each katakana ends in (a, i, u, e, o), for the long-vowel rule. */
const VOWEL_OF: Record<string, string> = {};
for (const [vowel, row] of Object.entries({
  a: 'アカガサザタダナハバパマヤラワ',
  i: 'イキギシジチヂニヒビピミリ',
  u: 'ウクグスズツヅヌフブプムユルヴ',
  e: 'エケゲセゼテデネヘベペメレ',
  o: 'オコゴソゾトドノホボポモヨロヲ',
})) {
  for (const kana of row) VOWEL_OF[kana] = vowel;
}

/** Vowel kana that merely lengthen a preceding kana ending in the given vowel. */
const LENGTHENERS: Record<string, string> = { a: 'ア', i: 'イ', u: 'ウ', e: 'エイ', o: 'ウオ' };

const SEPARATORS = /[\s\u3000・･·‧∙⋅•＝=_.,、。,'"’‘`-]/g;
const LONG_MARKS = /[ー―‐‑–—−〜～ｰ]/g;

const toKatakana = (s: string): string =>
  s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

function dropLengtheners(s: string): string {
  let out = '';
  for (const ch of s) {
    const prev = out[out.length - 1];
    const vowel = prev ? VOWEL_OF[prev] : undefined;
    if (vowel && LENGTHENERS[vowel].includes(ch)) continue;
    out += ch;
  }
  return out;
}

/** The matching key of a name or kana reading (empty for an empty or blank input). */
export function normaliseName(input: string | null | undefined): string {
  if (!input) return '';
  let s = input.normalize('NFKC');
  s = toKatakana(s);
  s = s.replace(SEPARATORS, '');
  s = s.replace(/ヴ([ァィェォ])/g, (_, v: string) => VA_ROW[v]);
  s = s.replace(/[ァィゥェォッャュョヮヵヶ]/g, (c) => SMALL_KANA[c]);
  s = s.replace(/[ヂヅヴ]/g, (c) => FOUR_KANA[c]);
  s = s.replace(LONG_MARKS, '');
  s = dropLengtheners(s);
  s = [...s].map((c) => VARIANT_KANJI[c] ?? c).join('');
  return s.toLowerCase();
}
