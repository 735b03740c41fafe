/** Month, day and zone names found in feed dates (English, plus the Greek, Hungarian and Korean forms feedparser reads). */

export const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  // Greek abbreviations (with and without accents)
  ιαν: 1, φεβ: 2, μάρ: 3, μαρ: 3, απρ: 4, μάι: 5, μαΐ: 5, μαι: 5, ιούν: 6, ιουν: 6, ιούλ: 7, ιουλ: 7,
  αύγ: 8, αυγ: 8, σεπ: 9, οκτ: 10, νοέ: 11, νοε: 11, δεκ: 12,
  // Hungarian
  január: 1, február: 2, március: 3, április: 4, május: 5, június: 6, július: 7, augusztus: 8,
  szeptember: 9, október: 10,
};

export const DAYS = new Set([
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'κυρ', 'δευ', 'τρι', 'τετ', 'πεμ', 'παρ', 'σαβ',
]);

/** Zone names → offset in minutes. RFC 822 section 5.1, North American short forms, common European ones. */
export const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, 'etc/gmt': 0, 'etc/utc': 0, wet: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  at: -240, et: -300, ct: -360, mt: -420, pt: -480, ast: -240, adt: -180, akst: -540, akdt: -480, hst: -600,
  bst: 60, ist: 60, cet: 60, met: 60, mez: 60, west: 60, cest: 120, mest: 120, mesz: 120, eet: 120, eest: 180,
  msk: 180, jst: 540, kst: 540, hkt: 480, sgt: 480, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
};
