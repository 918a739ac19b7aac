"""Personal numbers in question text: masked when a citizen sends a question in, and refused in
a question the bank publishes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from portal.prefiling import idcard
from portal.prefiling.masking import STAR, mask_id_number, mask_phone
from portal.textinput import strip_invisible

# The patterns read a normalised copy of the text, one character of it (or more, NFKC turns ㎡
# into m2) for each character written, so that only the numbers are rewritten and the rest of the
# text stays as written. In the copy full-width digits, X, spaces and punctuation are ASCII
# (NFKC), every dash is "-" (Unicode category Pd: hyphens, en/em/figure/wave dashes; also the
# minus sign U+2212 and the small hyphen U+FE63), every opening bracket "(" and every closing one
# ")" (category Ps / Pe: () [] {} 【】 〔〕 「」 …).
_MINUS_SIGNS = "\u2212\ufe63"


def _read_as(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Pd" or char in _MINUS_SIGNS:
        return "-"
    return {"Ps": "(", "Pe": ")"}.get(category, char)


def _normalised(text: str) -> tuple[str, list[int]]:
    """The copy the patterns read, and for each of its characters the index of the character
    written that it comes from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char):
            chars.append(_read_as(part))
            origin.append(i)
    return "".join(chars), origin


# between the digits of one number people write spaces, dashes, dots, commas and 顿号, slashes,
# tildes, asterisks and brackets (138.1234.5678, 138—1234—5678, 138 - 1234 - 5678, 370102。19650315。
# 1003, 138(1234)5678, 370102【19650315】1003, 138---1234---5678): up to three such marks, with
# spaces around them; the middle dot is also written ‧ (Taiwan), ・ (Japanese IMEs; NFKC reads the
# half-width ･ as it), ∙ or ⋅
_SEP = r"(?:\s*[-.·•‧∙⋅・/_。,、~*()]{1,3}\s*|\s+)?"
# 18-digit ID numbers (last may be X), mobile numbers, landlines with area code ((0531)87654321),
# old 15-digit ID numbers (sought after the phone numbers: 138 1234 5678 / 8765 4321 is a mobile
# and a local landline, not 15 digits of an ID and 4 more); digits around them must not be digits
# (so a longer number is not masked in the middle), a letter after an ID number may be (a stray X)
_ID = re.compile(rf"(?<!\d)(\d(?:{_SEP}\d){{16}}{_SEP}[\dXx])(?!\d)")
_OLD_ID = re.compile(rf"(?<!\d)(\d(?:{_SEP}\d){{14}})(?!\d)")
_MOBILE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?(1{_SEP}[3-9](?:{_SEP}\d){{9}})(?!\d)")
_LANDLINE = re.compile(rf"(?<!\d)(0\d{{2,3}}{_SEP}\d(?:{_SEP}\d){{6,7}})(?!\d)")
# and as written from abroad: +86 10 8765 4321, 0086-531-87654321 (the area code without its 0)
_INTL_LANDLINE = re.compile(rf"(?:\+|(?<!\d)00)86{_SEP}([1-9]\d{{1,2}}{_SEP}[2-9](?:{_SEP}\d){{6,7}})(?!\d)")
# numbers outside the mainland, as the pre-filing form takes them (portal/prefiling/fields.py): Hong
# Kong and Macao (+852 / +853, 8 digits) and Taiwan (+886, 8 or 9), also after 00; any other
# country's after a + (+1 415 555 2671, +44 20 7946 0958: 8 to 15 digits in all); a space may
# follow the + (+ 852 9123 4567)
_ABROAD = re.compile(rf"(?:\+\s?|(?<!\d)00)(85[23]|886){_SEP}([2-9](?:{_SEP}\d){{7,8}})(?!\d)"
                     rf"|\+\s?(?!86|85[23]|886)([1-9])({_SEP}\d(?:{_SEP}\d){{6,13}})(?!\d)")

# A local landline without area code (87654321, 8765-4321, 765 4321) is only taken for one when
# written shortly after a phone word (电话、座机、打、拨、tel …): 7 or 8 digits are as often an
# amount, a date or a file number. It starts with 2–9 (local numbers never start with 0 or 1), may
# be written in two groups, the last of 4 digits, and is not one when a unit (元、年、号、条、次 …) or
# decimals follow, when 第 or a currency sign comes before it, or when it reads as a date (20230315).
_PHONE_WORD = (r"(?:电话|座机|固话|手机|传真|热线|联系|致电|来电|打(?![款折工])|拨(?![款付])"
               r"|(?<![a-z])(?:tel|phone|mobile)(?![a-z]))")
_LOCAL_NUMBER = rf"(?<![\d第¥$#])([2-9]\d{{2,3}}{_SEP}\d{{4}})(?!\d|[.]\d|\s*[元块圆万亿千百角分年月日号条款项次个件人户天岁周时秒米斤吨亩平%‰])"
_LOCAL = re.compile(rf"{_PHONE_WORD}[^\d\n\0。!?;]{{0,6}}?{_LOCAL_NUMBER}", re.IGNORECASE)
# more local numbers listed after a phone number (电话87654321、87654322或8765-4323)
_MORE_LOCAL = re.compile(rf"\s*(?:[、,/;]|或者|或|和|及)\s*{_LOCAL_NUMBER}")
_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


def _digits(number: str) -> str:
    return re.sub(r"[^\dXx]", "", number)


def _mask_id(number: str) -> str:
    return mask_id_number(_digits(number))


def _mask_phone(number: str) -> str:
    return mask_phone(_digits(number))


def _mask_intl_landline(number: str) -> str:
    return mask_phone("0" + _digits(number))


def _mask_abroad(match: re.Match) -> str:
    """'+852 9123 4567' -> '+852******67' (the code and the last two digits); another country's
    '+1 415 555 2671' -> '+1********71' (its first digit and the last two)."""
    code, number = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    digits = _digits(number)
    return f"+{code}{STAR * (len(digits) - 2)}{digits[-2:]}"


def _mask_local(number: str) -> str | None:
    """'87654321' -> '******21', the last two digits kept; None for a date."""
    digits = _digits(number)
    if _DATE.fullmatch(digits):
        return None
    return STAR * (len(digits) - 2) + digits[-2:]


def _with_more_local(pattern: re.Pattern) -> Callable[[str], Iterator[re.Match]]:
    """The pattern's matches, each followed by the local numbers listed after it."""
    def finditer(read: str) -> Iterator[re.Match]:
        for m in pattern.finditer(read):
            yield m
            end = m.end()
            while more := _MORE_LOCAL.match(read, end):
                yield more
                end = more.end()
    return finditer


def _with_brackets(read: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to the bracket that opens or closes one inside it ([138]1234-5678), so
    that no lone bracket is left beside the masked number."""
    inside = read[start:end]
    if start > 0 and read[start - 1] == "(" and inside.count(")") > inside.count("("):
        start -= 1
    if end < len(read) and read[end] == ")" and inside.count("(") > inside.count(")"):
        end += 1
    return start, end


def _born(number: str) -> bool:
    """Whether the digit run's birth-date digits are a date, year 1900 or later."""
    digits = _digits(number).upper()
    born = idcard.birth_date(digits if len(digits) == 18 else digits[:6] + "19" + digits[6:])
    return born is not None and born.year >= idcard.OLDEST_YEAR


# a date as people write one: 2023-03-15, 2023.4.20, 2023年5月10
_WRITTEN_DATE = re.compile(r"(?:19|20)\d\d\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}")


def _unless_dates(number: str) -> str | None:
    """The masked ID number, or None for a list of dates (2023-03-15、2023-04-20、2023-05-10): digits
    written as dates whose birth-date digits are no date (here 1520-23-04). Any other run is masked,
    a real ID with a mistyped birth date or check digit included: privacy first."""
    if _WRITTEN_DATE.search(number) and not _born(number):
        return None
    return _mask_id(number)


def _real_id(number: str) -> str | None:
    """The masked ID number if it can be one (a real birth date; for 18 digits, the GB 11643 check
    digit), else None."""
    digits = _digits(number).upper()
    if not _born(number) or (len(digits) == 18 and idcard.check_digit(digits[:17]) != digits[17]):
        return None
    return _mask_id(number)


def _personal_numbers(text: str, *, strict: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, masked form) of every ID-card and phone number in the text as written; with
    `strict`, only digit runs that can be a real ID number count as one; without it (masking), any
    but a list of dates."""
    read, origin = _normalised(text)
    found: list[tuple[int, int, str]] = []
    id_mask = _real_id if strict else _unless_dates
    finders: list[tuple[Callable[[str], Iterator[re.Match]], Callable[[str], str | None] | None]] = [
        (_ID.finditer, id_mask), (_ABROAD.finditer, None),   # +1 415…: no mobile 141…
        (_with_more_local(_MOBILE), _mask_phone), (_with_more_local(_INTL_LANDLINE), _mask_intl_landline),
        (_with_more_local(_LANDLINE), _mask_phone),
        (_OLD_ID.finditer, id_mask),
        (_with_more_local(_LOCAL), _mask_local)]
    for finder, mask in finders:
        spans = []
        for m in finder(read):
            # a mobile's +86 goes with it (group 0); the phone word before a local number and the
            # 、 between listed numbers stay
            local = m.re is _LOCAL or m.re is _MORE_LOCAL
            masked = _mask_abroad(m) if m.re is _ABROAD else (_mask_local if local else mask)(m.group(1))
            if masked is not None:
                start = m.start(1) if local else m.start()
                spans.append((*_with_brackets(read, start, m.end()), masked))
        for start, end, _ in spans:  # read no further: a masked number is not found twice
            read = read[:start] + "\0" * (end - start) + read[end:]
        found += [(origin[start], origin[end - 1] + 1, masked) for start, end, masked in spans]
    return sorted(found)


def mask_personal_numbers(text: str) -> str:
    """The text with every ID-card number and phone number masked (身份证号、电话脱敏); the rest
    as written (less invisible characters)."""
    text = strip_invisible(text)
    parts, at = [], 0
    for start, end, masked in _personal_numbers(text):
        parts += [text[at:start], masked]
        at = end
    return "".join(parts) + text[at:]


def has_personal_numbers(text: str, *, strict: bool = False) -> bool:
    """Whether the text holds an ID-card number or a phone number. `strict` (a refusal rather than
    a mask, e.g. of a typical case) counts only digit runs that can be a real ID number."""
    return bool(_personal_numbers(strip_invisible(text), strict=strict))


_MASKED = re.compile(r"\*{3,}")                                   # 3701**********1234, 137****2222
_NAMED = re.compile(r"(?:我叫|本人叫|名叫|我姓)[\u4e00-\u9fff]")     # 我叫赵大山 (not 姓名权)
# a household's address: 3号楼, 2单元, 501室, 文化东路12号 (digits only: 三室一厅, 两栋房子 are not addresses)
_ADDRESS = re.compile(r"[0-9０-９]+(?:号楼|栋|幢|单元|室)|(?:路|街|巷|弄|胡同|大道)[0-9０-９]+号")


def personal_data_problem(text: str) -> str | None:
    """Why a question may not go into the bank as written: it carries a person's numbers (even
    masked, as a sent-in question arrives), introduces someone by name or gives a household's address. Bank questions are
    public under 相似问题, so they are written as general questions."""
    if _MASKED.search(text) or has_personal_numbers(text):
        return "问题中有身份证号或电话号码（含已隐去的 **** 部分）。问题会公开显示，请删去这些号码，改写为通用说法。"
    if _NAMED.search(text):
        return "问题中像是写了姓名（如“我叫……”）。问题会公开显示，请删去姓名，改写为通用说法。"
    if found := _ADDRESS.search(text):
        return (f"问题中像是写了住址（“{found.group(0)}”）。问题会公开显示，请删去门牌、楼号、单元和房号，"
                "改写为通用说法（如“我家楼上”）。")
    return None


def for_address(question: str | None) -> str | None:
    """A question as an address holds it (?q=: Back, refresh, a shared link): ID-card and phone
    numbers masked, since the address stays in the browser's history (a shared phone) and in
    proxies' logs. 法律问答 and the home page's question box write it the same way."""
    return mask_personal_numbers(question) if question and has_personal_numbers(question) else question
