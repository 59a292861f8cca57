"""Find symptoms, fever-reducer doses and red flags in an SMS (clinical-anchors §3, §6, §7 R9-R12).

People text the way they talk: "he's been throwing up", "cant breath", "burns when I wee". The
message is cut into clauses (at sentence ends, commas, "and", "but", ...) so that a time ("2
hours ago") or a subject only reaches the words near it. The vocabulary comes from how patients
and caregivers write in public (tests/safety/corpus.yml), many phrasings per red flag.

Conservative choices (each is tested):
- A symptom both reported and denied in one message counts as reported.
- A negation denies only the symptom it governs: nothing but filler words ("no real cough", "not
  having any chills") may stand between them, so "couldn't eat shivering all evening" reports
  the shivering. An explicit "or" carries a denial on ("no chills or sweats"), but never to a
  red flag ("no fever or shaking" reports the shaking).
- Hedges are not denials: "not sure if it's a rash", "can't stop shaking", "hasn't helped".
- A symptom reported now is present now, whenever it began; its onset is kept ("since Sunday").
  One the text says has ended ("had chills yesterday, gone now") is not current, but an ended red
  flag (a faint, a fit) still is. One dated over a week back, or told as an earlier cycle's story
  ("after round 2 I fainted"), is history.
- Questions about what might happen ("what if I get chills?") report nothing, and neither do
  questions about symptoms in general ("is confusion a side effect?", "the leaflet says mottled
  skin") or plainly imagined situations ("suppose his lips went blue"), red flags included.
  "What do I do if she can't breathe" may be happening now and still counts.
- Whose it is: a pet's ("my dog is shaking"), someone else's ("my neighbour's boy has a cough";
  from a patient, "husband has a bad cough"; the person named earlier in the sentence carries
  on), a caregiver's own non-red-flag illness ("I've got a streaming cold") report nothing.
- Plain "dizzy" and "a bit short of breath" are symptoms; fainting or collapse, and breathing
  that is severe or at rest, are red flags.
- A fever felt but not measured ("feverish", "burning up", "she has a temperature") is recorded
  as feeling unwell, which the rules escalate; ordinary tiredness ("very sleepy") is not
  confusion, but unusual drowsiness or being hard to wake is.
- A fever reducer counts as taken only when the words say it was ("took", "had", "gave him",
  "2 hours ago"); asking about one ("can I take tylenol?") is not a dose. "Painkillers" and
  cold-and-flu remedies count, because they may hide a fever too. One taken on the team's
  schedule ("ibuprofen every 8 hrs for the Neulasta pain") is marked scheduled.
- Figures of speech ("burning up the phone lines") and Neulasta bone pain are not symptoms.

Pure functions: no I/O, and the work is bounded so any text returns quickly.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone, tzinfo

from bot.clinical.model import (
    FeverReducer,
    FeverReducerMention,
    Reporter,
    SymptomCode,
    SymptomMention,
)
from bot.clinical.numbers import SMALL_NUMBER_WORDS
from bot.clinical.timewords import (
    TimeReference,
    find_intervals,
    find_time_reference,
    find_time_references,
)

# An SMS is at most 1,600 characters (10 segments); anything longer is cut to bound the work.
MAX_TEXT_CHARS = 2000

_NEGATION_WORDS = 5  # how far back a "no"/"not" reaches
_DOSE_WORDS = 6  # how far back "took"/"had" reaches to a medicine
_HYPOTHETICAL_CHARS = 120  # how far back "what if" reaches, within the sentence
_PET_CHARS = 60  # "my dog is shaking": how far back the subject is looked for
_POST_NEGATION_CHARS = 20  # "cough: no" is short
_COUNT_CHARS = 40  # how far from "diarrhoea" an episode count is read
_RAW_MAX_CHARS = 80
_BARE_NO_MAX_CHARS = 40


@dataclass(frozen=True)
class SymptomParse:
    """What one message says about symptoms and fever reducers."""

    symptoms: tuple[SymptomMention, ...]
    fever_reducers: tuple[FeverReducerMention, ...]
    denied: tuple[SymptomCode, ...]  # explicitly denied: "no cough", "not short of breath"
    says_no_symptoms: bool  # "no other symptoms", "nothing else", "feel fine otherwise"
    caregiver_concern: bool  # changed behaviour: "he's not himself", "acting strange"
    # words about how the patient is, from which nothing could be recorded: "she feels
    # funny", "bit off today?"; the reply asks (issue 10, problem 8)
    unclear: bool = False


def parse_symptoms(
    text: str, now: datetime, local_tz: tzinfo, texter: Reporter | None = None
) -> SymptomParse:
    """Every symptom, denied symptom and fever-reducer dose in `text`; never raises.

    `texter`: who sent it. A patient's "my husband has a cough" is someone else's cough; a
    caregiver's is the patient's. When unknown (None), only people named as someone else
    ("my neighbour's boy") are set aside.
    """
    message = _Message(_clean(text))
    symptoms, denied = _find_symptoms(message, now, local_tz, texter)
    return SymptomParse(
        symptoms=symptoms,
        fever_reducers=_find_fever_reducers(message, now, local_tz),
        denied=denied,
        says_no_symptoms=_says_no_symptoms(message),
        caregiver_concern=_has_caregiver_concern(message),
        unclear=len(message.text) <= _UNCLEAR_MAX_CHARS
        and _UNCLEAR.search(message.text) is not None,
    )


def find_red_flags(
    text: str, now: datetime | None = None, local_tz: tzinfo = timezone.utc
) -> tuple[SymptomMention, ...]:
    """The red-flag mentions in `text` (§3), as the clinical screen reads them.

    Negation still applies ("no chest pain" is not a red flag). Without `now`, mentions are
    dated at the current time.
    """
    moment = now if now is not None else datetime.now(timezone.utc)
    return tuple(m for m in parse_symptoms(text, moment, local_tz).symptoms if m.red_flag)


# --- vocabulary --------------------------------------------------------------------------------


def _loosen(pattern: str) -> str:
    # a space stands for any run of whitespace (" ?" for none or more); an apostrophe may be
    # left out ("cant", "hes")
    loose = pattern.replace("'", "'?").replace(" ?", "\x00").replace(" ", r"\s+")
    return loose.replace("\x00", r"\s*")


def _not_after(*words: str) -> str:
    """Lookbehinds: the phrase that follows must not come straight after one of `words`."""
    # written with escapes, so `_loosen` leaves them fixed-width
    return "".join(
        "(?<!" + word.replace("'", r"\x27").replace(" ", r"\x20") + r"\x20)" for word in words
    )


def _phrases(*alternatives: str) -> re.Pattern[str]:
    """A case-insensitive regex for whole-word phrases written with plain spaces."""
    body = "|".join(_loosen(alternative) for alternative in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


_POSSESSIVE = "(?:my|his|her|their|the|our|your|a|this)"
_PEE_WORDS = "pee|peeing|peed|wee|weeing|wee'd|weed|urinate|urinating|urination|piss|pissing"
_PEE = f"(?:{_PEE_WORDS})"
_BREATHE = "(?:breath|breathe|breth|brethe|breathing|brething)"
_NUMBER_WORDS = {
    **SMALL_NUMBER_WORDS,
    "once": 1,
    "twice": 2,
    "thrice": 3,
    "half a dozen": 6,
    "a dozen": 12,
}
_NUMBER = "(?:" + "|".join([r"\d{1,2}", *_NUMBER_WORDS]) + ")"


@dataclass(frozen=True)
class _SymptomPattern:
    code: SymptomCode
    regex: re.Pattern[str]
    red_flag: bool = False


# In priority order: where two patterns cover the same words, the earlier one wins
# ("coughing up blood" is severe bleeding, not a cough; "chest pain" is not "new pain").
_SYMPTOM_PATTERNS: tuple[_SymptomPattern, ...] = (
    _SymptomPattern(
        SymptomCode.SEVERE_BLEEDING,
        _phrases(
            r"(?:nose ?)?bleed\w* (?:that |and )?(?:it |they )?(?:won't|will not|doesn't|does not|can't|cannot"
            r"|isn't|is not|hasn't|has not|wouldn't|not) (?:stop|stopping|stopped)",
            r"(?:can't|cannot|can not|unable to|won't|couldn't) stop (?:the |his |her |my )?bleed\w*",
            r"(?:nose|gums?|mouth) (?:has |have |'s |is |keeps? )?(?:been )?bleeding (?:\w+ ){0,7}?(?:won't|wont"
            r"|will not|doesn't|doesnt|isn't|isnt) (?:stop|stopping)",
            r"(?:coughing|coughed|cough|coughs|vomiting|vomited|vomit|throwing|threw|spitting"
            r"|spat|puking|puked|bringing) (?:up )?(?:some |lots of |a lot of )?(?:bright red )?blood",
            r"blood (?:everywhere|pouring|gushing|won't stop)",
            r"(?:heavy|heavily|severe|severely|lots of|loads of|a lot of|massive|uncontrolled"
            r"|profuse|profusely|pouring|gushing) (?:bleed\w*|blood)",
            r"bleed\w* (?:very |really |so )?(?:heavily|a lot|badly|profusely|everywhere|loads"
            r"|so much|really bad)",
            r"ha?emorrhag\w*",
            r"(?:nose ?)?bleed\w*(?:\W+\w+){0,6}?\W+(?:won't|wont|will not|doesn't|isn't|hasn't)"
            r" stop",
            r"tarry",
            r"(?:nose ?bleed|bleeding) for (?:over |more than |about )?(?:\d+|an|two|three) (?:mins?|minutes"
            r"|hours?|hrs?)",
            r"coffee[- ]grounds?",
            r"(?:fresh |bright red )?blood in (?:his|her|my|the) (?:poo|stool|stools|wee|urine"
            r"|vomit|sick)",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.SENSE_OF_DOOM,
        _phrases(
            r"(?:feel|feels|feeling|felt) like (?:i'm|i am|i|he's|he is|she's|she is|they're)"
            r" (?:going to |gonna |about to )?(?:dying|die)",
            r"(?:going to|gonna|about to) die(?! (?:of|from) (?:boredom|embarrassment|laugh\w*))",
            r"(?:i think |i feel )?(?:i'm|i am) dying(?! (?:to|for|of (?:boredom|laugh\w*)))",
            r"thinks? (?:i'm|i am|he's|he is|she's|she is) dying",
            r"something(?:'s| is| feels) (?:(?:very|really|seriously|terribly|badly|definitely"
            r"|just) )*(?:wrong|not right)(?! with (?:the|my|this|your) (?:thermometer|app|phone"
            r"|bot|link|message|messages|text|texts|number|website|reading|device|battery))",
            r"(?:sense|feeling) of (?:impending )?doom",
            r"impending doom",
            r"(?:think|feel) (?:like )?this is it",
            r"slipping away",
            r"(?:feel|feels) (?:like )?(?:she|he|i) (?:will|is going to|gonna|am going to) die",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.CHEST_PAIN,
        _phrases(
            r"chest (?:pains?|aches?|hurts|hurting|is hurting|is tight|feels tight|tightness"
            r"|pressure|is sore|discomfort|is painful|feels heavy)",
            r"(?:pains?|tightness|pressure|ache|aching|discomfort|crushing) in "
            + _POSSESSIVE
            + r"? ?chest",
            r"tight chest",
            r"crushing (?:pain|chest)",
            r"heart (?:pain|hurts)",
            r"angina",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.NO_URINE,
        _phrases(
            r"(?:haven't|hasn't|have not|has not|not|didn't|did not|hadn't) (?:been able to )?"
            r"(?:been )?(?:peed|pee|wee'd|weed|wee|urinated?|peeing|weeing"
            r"|passed? (?:any )?(?:urine|water))(?! yet)",
            r"no (?:urine|pee|wee)(?! (?:pain|problems?|issues?|burning|infection|tests?|samples?"
            r"|trouble|symptoms|stinging))",
            r"(?:can't|cannot|can not|unable to) (?:pee|wee|urinate|pass urine|pass water)",
            r"not passing (?:any )?(?:urine|water)",
            r"stopped (?:peeing|weeing|passing urine|passing water)",
            r"(?:haven't|hasn't|have not|has not|not|didn't|did not|hadn't) (?:had|done|been for|been"
            r" to do|passed|pass) (?:a |any )?(?:wee|pee|urine|water)",
            r"(?:pad|nappy|pull ?up|diaper|catheter bag)s? (?:\w+ ){0,2}?(?:bone )?dry",
            r"nothing (?:is )?coming out",
            r"(?:pee|wee|urinate|pass urine|passed urine|peed|weed)d? only (?:one time|once)(?! (?:a|an|per|in) (?:hour|hr))",
            r"only (?:peed|weed|passed urine|been for a wee|had a wee) once (?:since|in|all)",
            r"nothing in (?:it|the bag|the bottle|his bag|her bag) since",
            r"barely (?:been for a|had a|done a) (?:wee|pee)",
            r"just the one dribble",
            r"bottle (?:\w+ ){0,4}?(?:still )?empty",
            r"(?:hasn't|hasnt|has not) asked to go",
            r"(?:hasn't|hasnt|has not|haven't|havent|not) (?:needed|been to) the (?:toilet|loo) since",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.MOTTLED_SKIN,
        _phrases(
            r"mottl\w*",
            r"(?:went|gone|going|turned|turning) (?:a bit |very |really |all |a horrible )?(?:grey|gray"
            r"|ashen)(?! hair)",
            r"blotchy(?: skin)?",
            r"(?:blue|bluish|purple|grey|gray) (?:lips|fingers|fingertips|fingernails|nails"
            r"|skin|tinge|face)",
            r"(?:lips|skin|face|fingers|fingertips|nails) (?:are |is |look |looks |looking |have"
            r" |has |turning |turned |gone |going |a bit |very )*(?:blue|bluish|purple|grey"
            r"|gray|ashen|mottled|blotchy)",
            r"(?:turning|turned|gone|going) (?:blue|grey|gray)",
            r"looks? (?:very |really |a bit |so )?(?:grey|gray|ashen)",
            r"ashen",
            r"(?:horrible|awful|funny|strange|dark) (?:grey|gray|blue|bluey|purple) colou?r",
            r"colou?r (?:has |had )?(?:all )?drained",
            r"(?:gone|going|turned|turning) (?:a )?(?:dark |bit |funny )?(?:bluey|blue|grey|gray"
            r"|purple)",
            r"(?:lips|fingers|fingertips|nails|face|mouth) (?:\w+ ){0,2}?(?:bluey|blue|grey|gray"
            r"|purple)",
            r"blue (?:round|around) (?:the|his|her|my) (?:mouth|lips)",
            r"(?:gone |going |turned )?(?:a )?dusky(?: colou?r)?",
            r"(?:yellowy|yellow|greeny|greenish) ?-?grey",
            r"(?:gone|going|turned|turning) (?:a )?bluish",
            r"(?:gone|turned|going) (?:the )?colou?r of",
            r"bluish",
            r"colou?r of (?:porridge|wallpaper paste|putty|ash|candle wax|chalk|a ghost)",
            r"(?:lips|face|fingernails|nails|fingers) (?:\w+ ){0,3}?(?:bluish|violet|purple|blue)",
            r"marbled",
            r"cyanos\w*",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.SEIZURE,
        _phrases(
            r"seizures?",
            r"seizing",
            r"convuls\w*",
            r"fitting",
            r"(?:had|having|has|have|in|into|another) (?:a |an )?(?:\w+ )?fits?",
            r"funny turn",
            r"(?:body|arms?|legs?|he|she|they|i) (?:\w+ ){0,2}?(?:went|go|goes|gone|going|was|is)"
            r" (?:all |really |completely )?(?:stiff|rigid)",
            r"(?:jerking|jerked|jerks|twitching|twitched) (?:\w+ ){0,3}?(?:not responding|arms"
            r"|legs|all over|about|and)",
            r"eyes (?:\w+ )?(?:rolled|rolling|went|go) (?:right )?(?:back|up)",
            r"went (?:all |completely )?(?:stiff|rigid)",
            r"(?:arms?|legs?|body|face) (?:\w+ )?twitched",
            r"gurgl\w+ (?:noise|sound)",
            r"lip[- ]smacking",
            r"(?:arm|face|side of (?:his|her|my) face|hand|leg|mouth) (?:\w+ ){0,4}?(?:twitching|jerking"
            r"|twitched|jerked)",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.CONFUSION,
        _phrases(
            r"confus(?:ed|ion)(?! (?:about|by|with|as to|over|why|what|how|which|whether|if"
            r"|when|where|on)(?!\w))",
            r"disorient\w*",
            r"(?:confused|muddled|mixed up) (?:about )?(?:what|which|where) (?:day|month|year|time"
            r"|i am|i'm|he is|she is|he's|she's)",
            r"(?:doesn't|doesnt|didn't|didnt|does not|did not) (?:seem to |seem |even )?(?:know|recogni[sz]e)"
            r" (?:me|us|him|her|who|where|what (?:day|month|year|time)|which day|his own|her own|the date)",
            r"(?:talking|chatting|speaking|talks|chats) (?:away )?(?:to|with) (?:someone|somebody|people|a man"
            r"|a woman|a lady|them) (?:who|that) (?:isn't|isnt|aren't|arent|wasn't|wasnt|weren't|werent"
            r"|is not|are not) (?:there|here|in the room)",
            r"(?:full of|there(?:'s| is| are)) (?:people|men|someone|strangers) (?:talking|whispering"
            r"|standing|in the room)",
            r"(?:hairs?|bugs|insects|spiders|ants|things) crawling",
            r"(?:keeps|kept|keep) calling (?:\w+ ){1,3}?by (?:my|the wrong|someone else's|his|her) name",
            r"(?:adamant|insists|convinced|swears) (?:it's|its|it is|that it's) (?:monday|tuesday|wednesday"
            r"|thursday|friday|saturday|sunday|christmas|night|morning|\d{4})",
            r"(?:hardly|barely|not) a (?:sensible|single|straight) word (?:out of|from)",
            r"(?:nodded|nodding|dozed|dozing|dropped|dropping|drifted|drifting) off (?:halfway through"
            r"|in the middle of|while (?:i was )?(?:talking|eating)|mid)",
            r"(?:really |totally |completely |a bit |so )?out of it",
            r"away with the fairies",
            r"(?:not|isn't|is not|wasn't) with it",
            r"muddled",
            r"(?:doesn't|does not|didn't|did not|don't|not) make (?:much |any )?sense",
            r"(?:can't|cannot|couldn't) get (?:a |any )?(?:straight |sensible |proper )?(?:answer|word"
            r"|sense) out of",
            r"(?:can't|cannot|couldn't) keep (?:him|her|them|my \w+) awake",
            r"(?:nodding|nods|nodded|dropping|drops|dropped|drifting|drifts|drifted) off"
            r" (?:\w+ )?(?:mid|in the middle|again|straight|while|when)",
            r"keeps? (?:nodding|dropping|drifting) off",
            r"(?:can't|cannot|won't|couldn't|wouldn't|unable to|hard to|difficult to) rouse",
            r"(?:not|isn't|barely) rousable",
            r"stari\w* (?:\w+ ){0,3}?(?:blankly|into space|at nothing|through)",
            r"blank(?:ly)? star\w*",
            r"nobody home",
            r"looks? (?:straight )?through (?:me|us|him|her)",
            r"(?:doesn't|does not|didn't|did not|don't|do not) (?:know|recogni[sz]e) (?:who|what day"
            r"|what time|whose|where)",
            r"(?:keeps? )?asking (?:what day|where (?:he|she|they|i) (?:is|am|are|was)|where his"
            r"|where her|who i am)",
            r"(?:losing|lost|can't find) (?:my|his|her|their) words",
            r"(?:barely |not )?(?:in)?coherent",
            r"(?:not|wasn't|isn't|stopped|won't|wouldn't) (?:answering|responding)(?! (?:the|my|his"
            r"|her) (?:phone|texts?|messages?|emails?|calls?))",
            r"(?:won't|wouldn't|doesn't|didn't|not) respond(?! to (?:treatment|the|antibiotics))",
            r"(?:gone |all |really |very )?floppy",
            r"(?:too|so|very|really|extremely) drowsy",
            r"doolally",
            r"keeps? asking (?:the same|have i|has he|has she|have you|if|whether|where|when|for"
            r" (?:her|his) (?:mum|mother|dad|father))",
            r"(?:thinks?|thought|swears?|says?) (?:there(?:'s| is| are)|he (?:can )?sees?|she (?:can )?sees?)"
            r" (?:\w+ )?(?:bugs|insects|spiders|people|someone|things|a man|a woman)",
            r"seeing (?:things|people|bugs|insects|spiders)",
            r"(?:can't|cannot|couldn't) work out (?:how|where|what|who)",
            r"thinking it (?:was|is) (?:morning|night|monday|tuesday|wednesday|thursday|friday"
            r"|saturday|sunday|day ?time|the morning)",
            r"(?:doesn't|does not|didn't|did not) know (?:the|her|his|their) (?:own )?(?:house|home|room"
            r"|way)",
            r"asking (?:us |me )?to take (?:her|him) home",
            r"glassy[- ]?eyed",
            r"confuse(?!d)",
            r"(?:doesn't|does not|didn't|did not|not) know where (?:he|she|they|i) (?:is|are|am|was)",
            r"in a world of (?:his|her|their) own",
            r"got lost (?:trying to find|in) (?:\w+ ){0,3}?(?:own|the loo|the toilet|the house)",
            r"(?:hitting|lashing|lashed|hit) out",
            r"(?:poisoning|trying to (?:kill|poison)) (?:her|him|me)",
            r"(?:this|that|he|she) (?:isn't|is not|wasn't) (?:my|our) (?:mum|mom|dad|husband|wife|gran)",
            r"asleep (?:\w+ ){0,2}?(?:2|two|3|three) (?:days|whole days)",
            r"only wakes? (?:up )?to",
            r"mumbl\w+",
            r"(?:shook|shake|shaking|shaken) (?:his|her|their) shoulder",
            r"(?:went|goes|going) (?:straight |right )?back (?:under|off)",
            r"dopey",
            r"like (?:he's|she's|hes|shes|he is|she is) (?:drunk|been drinking)",
            r"(?:kept|keeps|keep) (?:dozing|nodding|drifting) off",
            r"(?:can't|cannot|couldn't) string (?:a )?(?:sentence|two words|words) together",
            r"(?:didn't|doesn't|did not|does not) know (?:how|where) (?:he|she|they|i) got",
            r"where the (?:loo|toilet|bathroom|kitchen|stairs) (?:was|is)",
            r"words (?:are |were )?(?:coming out )?(?:all )?(?:jumbled|muddled|mixed up|scrambled)",
            r"asked (?:me )?who (?:i|we) (?:am|was|were|are)",
            r"asked (?:me )?what (?:year|day|month) it (?:is|was)",
            r"(?:didn't|doesn't|did not|does not) know it was me",
            r"thought i was (?:her|his) (?:sister|brother|mum|mother|dad|father|husband|wife)",
            r"(?:forgot|forgotten|forgets) (?:my|her|his|our) (?:name|own name|names)",
            r"(?:can't|cannot|couldn't) tell (?:me|us) (?:why|what|where)",
            r"wandering (?:round|around|about) (?:the house|at night|in the night|at \d)",
            r"falling asleep (?:between|while|during|mid)",
            r"(?:he's|she's|hes|shes) gone again",
            r"(?:is |are )?keep(?:s)? sleeping",
            r"again sleep",
            r"(?:only )?half with it",
            r"(?:not|isn't|no) (?:talking|speaking) (?:normal|normally|right|properly)",
            _not_after("you", "you're", "you are", "it", "it's", "that", "that's", "this")
            + r"making no sense",
            r"says? (?:\w+ )?(?:strange|weird|odd|silly) things",
            r"(?:talking|speaking) (?:double dutch|rubbish|nonsense|gibberish|to (?:people|someone|"
            r"things) (?:who|that) (?:aren't|isn't|are not|is not) there)",
            r"(?:chatting|talking|speaking) to (?:her|his|my|their) \w+ who (?:died|passed|is dead)",
            r"(?:doesn't|does not|didn't|did not) know (?:if|whether) (?:it's|it is) (?:morning|day|night)",
            r"(?:dozing|dozed|nodding|falling|fell|dropping) (?:off |asleep )?mid[- ]?(?:sentence|conversation)",
            r"(?:can't|cannot|couldn't|can barely|could barely|can hardly|could hardly) (?:get (?:him|her|them)"
            r" to )?(?:wake|rouse|stir)(?: (?:him|her|them))?",
            r"(?:won't|wouldn't|doesn't|didn't|not) (?:answer|answering|respond\w*) (?:me|us|to me|when)",
            r"(?:won't|wouldn't|can't|cannot) open (?:his|her|their) eyes",
            r"stares? (?:at|into) (?:the wall|space|nothing|the ceiling)",
            r"(?:like a|gone like a) rag doll",
            r"(?:really |have to |had to )?shout (?:\w+ )?to get (?:a |any )?(?:word|answer|response|reply)",
            r"(?:losing|lose|lost) track of what (?:i'm|i am|he's|she's|he is|she is) (?:saying|doing)",
            r"repeating (?:myself|himself|herself|themselves)",
            r"not really there",
            r"sleeping (?:about |around )?(?:1[6-9]|2[0-4]) ?(?:hrs|hours)",
            # "you're not making sense" is about the bot, not a sign of confusion
            _not_after("you", "you're", "you are", "it", "it's", "it is", "that", "that's", "this")
            + r"(?:not|isn't|aren't|wasn't) making (?:any )?sense",
            r"talking (?:nonsense|gibberish|rubbish)",
            r"can't think (?:straight|clearly|properly)",
            r"slurr\w*",
            r"(?:hard|difficult|impossible) to wake(?: up)?",
            r"(?:won't|can't|cannot|couldn't|wouldn't|can not|will not|unable to) wake (?:him|her"
            r"|them|up)(?: up)?",
            r"(?:not|isn't) waking(?: up)?",
            # chemo tiredness is common: only drowsiness, or sleepiness out of the ordinary
            r"(?:very|really|so|unusually|extremely|abnormally) drowsy",
            r"(?:unusually|extremely|abnormally) sleepy",
            r"can't stay awake",
            r"unresponsive",
            r"delirious",
            r"delirium",
            r"(?:doesn't|does not|didn't|don't) know where (?:he|she|they|i) (?:is|are|am|was)",
            r"(?:doesn't|does not|didn't) recogni[sz]e",
            r"hallucinat\w*",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.DIZZINESS,
        _phrases(
            r"fainted",
            r"fainting",
            r"(?:passed|passing|pass) out",
            r"(?:blacked|blacking|black) out",
            r"blackouts?",
            r"collaps\w*",
            r"keeled over",
            r"(?:went|gone|just) down (?:in|on) the",
            r"just dropped",
            r"(?:legs|knees) (?:just )?(?:gave way|went|buckled|collapsed)",
            r"hit the (?:floor|deck|ground)",
            r"(?:found|woke|woken|came round|came to|was) (?:up )?(?:lying )?on the (?:floor|ground)",
            r"came (?:to|round|around)(?! (?:the|see|visit|over|for|with))",
            r"(?:was|were) out (?:cold|for (?:a few|a couple|about|a) (?:\w+ )?(?:seconds|secs|minutes"
            r"|mins|second|minute))",
            r"flaked out",
            r"crumpled",
            r"just folded",
            r"on the floor before (?:i|we) could",
            r"out like a light (?:for|and)",
            r"(?:he|she|i|dad|mum|mom|father|mother|gran|nan) (?:\w+ )?(?:fall|fell|had a fall) (?:in|on|down)"
            r" (?:the|his|her|my) (?:bathroom|floor|stairs|kitchen|toilet|loo|hall)",
            r"out (?:cold )?for (?:a few|a couple of|about \d+|\d+) (?:seconds|secs)",
            r"(?:went|gone|go|goes) down like a sack of (?:spuds|potatoes)",
            r"(?:gone |went |is |was )?off (?:her|his|their) legs",
            r"(?:had|having|has) a dwalm",
            r"(?:legs|knees) (?:just )?(?:buckled|gave way|went from under)",
            r"(?:can't|cannot|couldn't|can not) (?:stand|get up|stand up)(?: up)? (?:on (?:his|her|their|my) own"
            r"|at all|unaided|by (?:himself|herself|myself))",
            r"slid (?:off|out of|down) (?:the|his|her|my) (?:\w+ )?(?:chair|seat|sofa|bed)",
            r"(?:fell|fallen) (?:over|down) and (?:couldn't|can't|could not) get up",
            r"(?:lost|losing) consciousness",
            r"unconscious",
            r"(?:everything|it all|the room|the world|my eyes|his eyes|her eyes) (?:just )?(?:went|goes"
            r"|going) (?:black|dark|grey|gray|white)",
            r"ended up (?:lying |in a heap )?on the (?:floor|ground|deck)",
            r"in a heap on the (?:floor|ground)",
            r"on the (?:floor|ground) and (?:can't|cant|cannot|couldn't|couldnt|can not) get (?:up|back up)",
            r"found (?:him|her|me|them|mum|mom|dad|my \w+) (?:lying |collapsed |in a heap |sprawled "
            r")?on the (?:\w+ )?(?:floor|ground)",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.SHORT_OF_BREATH,
        _phrases(
            r"(?:can't|cannot|can not|cnt|unable to|can hardly|can barely|hardly able to"
            r"|barely able to|struggling to|struggle to|struggles to|fighting to|fighting for"
            r"|gasping for|battling to|struggling for) (?:get |catch )?(?:my |his |her |a )?"
            + _BREATHE,
            r"gasping",
            r"(?:can't|cannot|couldn't) (?:get|finish|say) (?:a |out a )?(?:full |whole )?sentence"
            r"(?: out)?",
            r"stopping for (?:air|breath)",
            r"had to (?:sit|stop|stand|rest|lie)(?: \w+){0,6}? (?:to )?(?:get|catch) (?:my|his|her) breath",
            r"puffing (?:a bit|a lot|away)",
            r"(?:can't|cant|cannot|couldn't|can not) (?:\w+ ){0,8}?without (?:stopping|pausing"
            r"|having to stop) (?:for|to catch) (?:my |his |her |a )?(?:air|breath)",
            r"(?:can't|cant|cannot|couldn't|can not) (?:get to|reach|get through) the end of a sentence",
            r"ribs (?:\w+ )?sucking in",
            r"grunting",
            r"breathing(?:'s| is| has)? (?:gone |going |sounds? |looks? )?(?:funny|weird|strange"
            r"|noisy|rattly|odd)",
            r"(?:struggling|fighting|battling) (?:with|for) (?:his |her |my )?breath",
            r"breathing like (?:he's|she's|i've|he has|she has|i have) (?:just )?(?:run|been running)",
            r"puffing like",
            r"panting",
            r"(?:tummy|belly|stomach|chest)(?:'?s| is)? (?:\w+ ){0,2}?going in and out",
            r"crackl\w+ (?:noise|sound|breath\w*|chest)",
            r"squelch\w*",
            r"(?:can't|cannot|couldn't) get (?:the )?air in",
            r"(?:struggling|fighting|gasping|heaving) for air",
            r"puffing (?:and panting )?(?:even |just )?(?:sitting|lying|at rest|in bed|resting)",
            r"(?:gulping|gasping) (?:breaths|for air)",
            r"(?:can't|cannot|couldn't) get enough air",
            r"breathing (?:really |very |so )?(?:noisy|noisily|rattly)",
            r"chest (?:is )?going up and down (?:really |very |so )?fast",
            r"gasps",
            r"(?:breathless|short of breath|sob|out of breath|breathing hard) (?:even )?(?:at rest"
            r"|when resting|while resting|resting|sitting down|sitting still|sitting|lying down"
            r"|in bed|doing nothing|when talking|talking)",
            r"(?:very|really|so|extremely|severely|badly|terribly|super|seriously|awfully)"
            r" (?:short of breath|breathless|sob|out of breath)",
            r"(?:really|very|so|extremely) (?:hard|difficult) to " + _BREATHE,
            r"breathing (?:is )?(?:very |really |so )?(?:fast|rapid|quick|quickly|shallow)",
            r"(?:rapid|fast) breathing",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.RIGORS,
        _phrases(
            r"rigou?rs?",
            r"(?:the|bad|got|having|has|have|with) shakes",
            r"shaking(?! (?:hands|my head|his head|her head|the|it|off)(?!\w))",
            r"(?:teeth|jaw) (?:is |are |keep |keeps )?chattering",
            r"chattering teeth",
            r"(?:teeth|jaw) (?:won't|wont|will not|can't|cannot) stop (?:chattering|shaking)",
            r"shaking so (?:hard|much|badly|violently)",
            r"(?:bed|whole bed) (?:is |was )?(?:rattling|shaking|moving)",
            r"shaking like a leaf(?! (?:waiting|about|before|over))",
            r"(?:can't|cannot|cant) stop shiverin\w*",
            r"teeth (?:are |is )?(?:still )?going(?: like)?",
            r"juddering",
            r"shivering (?:uncontrollably|badly|violently|really badly|so badly|a lot|so much"
            r"|non ?stop|like mad|all over)",
            r"uncontrollabl\w* (?:shivering|shaking|shivers|trembling)",
            r"(?:can't|cannot|won't) stop (?:shivering|trembling|shaking)",
            r"violent(?:ly)? shiver\w*",
        ),
        red_flag=True,
    ),
    _SymptomPattern(
        SymptomCode.LINE_SITE,
        _phrases(
            r"(?:red|redness|pink|pinkness|swollen|swelling|sore|oozing|pus|crusty|weeping)(?: \w+){0,3}? "
            r"(?:round|around|at|near|by|on|under) (?:his|her|my|the|their) (?:port|picc|hickman"
            r"|central line|cannula|dressing)",
            r"(?:port(?:a ?-?cath)?s?|power ?port|picc|hickman|central line|cvc|line|catheter"
            r"|cannula|dressing)(?: site| line)?(?:\W+\w+){0,5}?\W+(?:red|redness|reddish|pink|crust\w*"
            r"|swollen|swelling|puffy|sore|soreness|painful|pain|hurts|hurting|aching|tender"
            r"|oozing|oozes|ooze|pus|leaking|leaks|leaky|draining|drainage|discharge|weeping|hot"
            r"|warm|inflamed|infected|infection|crusty|bleeding|throbbing|streak\w*|lump|itchy|angry"
            r"|swelled|swelled up"
            r"|weepy|red raw)",
            r"(?:red|redness|swollen|swelling|sore|soreness|painful|pain|tender|oozing|ooze|pus"
            r"|leaking|draining|drainage|discharge|weeping|inflamed|infected|infection|bleeding)"
            r"(?:\W+\w+){0,4}?\W+(?:around|at|on|near|by|from|of|in|where|under|through)\W+(?:\w+\W+){0,2}?"
            r"(?:port(?:a ?-?cath)?|picc|hickman|central line|line|catheter|cannula|dressing)"
            r"(?: site)?",
            r"(?:red|swollen|sore|painful|tender|oozing|leaking|infected|inflamed|angry|weepy)"
            r" (?:port|picc|line|hickman)(?: site)?",
        ),
    ),
    _SymptomPattern(
        SymptomCode.SKIN_INFECTION,
        _phrases(
            r"cellulitis",
            r"abscess\w*",
            r"conjunctivitis",
            r"full of pus",
            r"(?:yellow|green|smelly|thick) (?:\w+ )?(?:stuff|gunk|goo|discharge|pus|ooze)",
            r"(?:red|redness|swollen|swelling|puffy|oozing|weeping|pus|throbbing|spreading"
            r"|gunky|sticky|inflamed|infected|angry|weepy)(?:\W+\w+){0,4}?\W+(?:wound|cut|scratch"
            r"|graze|bite|drain|scar|incision|stitches|lump|boil|patch|skin|eyes?|eyelids?|lids"
            r"|toe|finger|nail|site|area|spot|bump)s?(?!\w)",
            r"orange peel",
            r"redness (?:is )?spreading",
            r"spreading redness",
            r"(?:itch\w*|sting\w*|sore|discharge)(?:\W+\w+){0,4}?\W+(?:privates|down below|vagina\w*"
            r"|genital\w*|bits)",
            r"(?:wound|cut|scratch|graze|bite|drain|drain site|scar|incision|stitches|lump|boil|patch"
            r"|eyes?|eyelids?|lids|toe|finger|nail|bone marrow|biopsy site|nephrostomy|stent|tube"
            r"|stoma|skin|area)s?(?:\W+\w+){0,8}?\W+"
            r"(?:red|pink|hot|swollen|puffy|oozing|weeping|leaking|pus|throbs|throbbing|spreading"
            r"|gunky|glued|inflamed|infected|angry|weepy|opened up|smelly)(?!\w)",
        ),
    ),
    _SymptomPattern(
        SymptomCode.URINARY_PAIN,
        _phrases(
            r"(?:hardly|barely|nothing|not much|only a (?:bit|little|dribble|trickle))(?: \w+){0,2} comes?"
            r" out(?:\W+\w+){0,4}\W+(?:burns|stings|hurts)",
            r"(?:burn\w*|sting\w*|hurt\w*|pain\w*|sore|agony|discomfort) (?:\w+ ){0,4}?"
            r"(?:" + _PEE_WORDS + r"|urine|pass(?:ing)? (?:urine|water))",
            _PEE + r" (?:\w+ )?(?:burns|burning|stings|stinging|hurts|hurting|is painful|painful)",
            r"(?:urine|wee|pee) (?:burns|burning|stings|stinging|hurts|infection)",
            r"burning urine",
            r"(?:wee|pee|urine|peeing|weeing)(?:'s| is| has| feels)? (?:\w+ ){0,3}?(?:smells|smelly|stinks|stinky"
            r"|cloudy|rank|fishy|like fish|like razor blades|like glass|like fire|like knives|stings"
            r"|stinging|burns|burning)",
            r"(?:needing|need|needs|go|going|peeing|weeing) (?:\w+ ){0,3}?every (?:\d+|few|ten|five|half)"
            r" (?:mins?|minutes|an? hour|hour)",
            r"(?:dribble|trickle) (?:comes out|when i go)(?:\W+\w+){0,3}\W+(?:burns|stings|hurts)",
            r"catheter (?:\w+ ){0,2}?(?:not|hasn't|has not|isn't|stopped) (?:drain\w*|draining)",
            r"only (?:a )?(?:dribble|trickle)",
            r"(?:peeing|weeing|pissing) (?:razor blades|glass|fire|knives)",
            r"(?:wee|pee|urine)(?:'s| is| looks) (?:\w+ )?(?:pink|red|bloody|like (?:ros[eé]|wine|cola|tea))",
            r"clots in (?:my |his |her |the )?(?:wee|pee|urine)",
            r"(?:wee|pee|urine)(?:'s| is) (?:\w+ ){0,2}?(?:dark and strong|strong and dark|very dark|really dark)",
            r"utis?",
            r"(?:water|bladder|kidney) infection",
            r"cystitis",
        ),
    ),
    _SymptomPattern(
        SymptomCode.SORE_THROAT,
        _phrases(
            r"so(?:re|ar|r)e? ?thr?[oa]{1,3}t\w*",
            r"throat(?:'s| is| feels| got| gets| getting| went| has been| been)?(?: (?:really|so|very"
            r"|a bit|quite|kind of))* (?:sore|hurts"
            r"|hurting|painful|scratchy|raw|burning|killing me)",
            r"scratchy throat",
            r"strep(?: throat)?",
            r"throat pain",
            r"painful throat",
            r"(?:hurts|painful|pain|difficult|hard) (?:to|when i|when|while) swallow\w*",
            r"swallowing (?:hurts|is painful)",
            r"tonsillitis",
            r"(?:like )?swallowing (?:glass|razor blades|razors|knives)",
            r"throat(?:'s| is| feels) like (?:sandpaper|glass|razor blades|fire)",
            r"throat(?:'s| has)? been (?:raw|sore|burning|killing)",
            r"throat (?:feels )?(?:cut to ribbons|shredded|like it's been cut)",
            r"(?:can|could) (?:barely|hardly) (?:get|swallow) (?:my |his |her )?(?:tablets|pills|food|water)",
            r"pharyngitis",
        ),
    ),
    _SymptomPattern(
        SymptomCode.MOUTH_SORES,
        _phrases(
            r"mouth (?:ulcers?|sores?|blisters?)",
            r"(?:mouth|tongue|gums)(?: and (?:tongue|gums|throat|lips))?(?:'s| is| are)? (?:so |really "
            r"|very |too |that )?(?:sore|raw|painful)",
            r"(?:ulcers?|sores?|blisters?) (?:in|on|inside) "
            + _POSSESSIVE
            + r" (?:mouth|tongue|gums?|lips?|cheeks?)",
            r"white (?:patches|patch|spots|coating|stuff) (?:in|on) "
            + _POSSESSIVE
            + r"? ?(?:mouth|tongue)",
            r"(?:oral )?thrush",
            r"mucositis",
            r"ulcer (?:on|in|inside) (?:the )?(?:\w+ ){0,2}?(?:of )?(?:my |his |her )?(?:tongue|gums?|lips?|cheeks?|mouth)",
            r"gums? (?:\w+ ){0,2}?(?:swollen|bleeding|sore|puffy|raw|white)",
            r"bleed\w* (?:a bit |a little )?when (?:i|he|she|they) brush",
            r"white (?:furry |fluffy )?(?:stuff|coating|patches|fur) (?:all )?(?:over|on) (?:my |his |her )?tongue",
            r"(?:throbbing|abscess\w*) tooth",
            r"(?:tooth|jaw|gum|face|cheek)(?:'s| has| is)? (?:\w+ ){0,3}?(?:swollen|swelled|throbbing)",
            r"lump (?:\w+ ){0,3}?on (?:my|his|her) gum",
            r"(?:tongue|gums|mouth|cheeks)(?: and (?:tongue|gums|mouth|cheeks))? (?:is |are )?(?:all )?"
            r"(?:covered|coated)",
            r"mouth (?:is )?(?:sore|painful|raw|burning)",
            r"sore (?:mouth|gums|tongue)",
            r"(?:canker|cold) sores?",
            r"ulcers",
        ),
    ),
    _SymptomPattern(
        SymptomCode.DIARRHOEA,
        _phrases(
            r"di[aoh]{1,3}r+h?[oea]{1,3}h?",
            r"(?:loose|watery|runny|liquid) (?:stools?|poos?|poops?|bowels?|bowel movements?"
            r"|motions|ones)",
            r"watery (?:poo|poop)",
            r"the runs",
            r"runs(?= ?(?:x ?\d|\d+ ?(?:x|times)))",
            r"the (?:shits|squits|trots)",
            r"runs? ?[-:]+(?= ?\d)",
            r"(?:been|gone|went|go|going) (?:to|on) the (?:loo|toilet|bathroom) \d+ or \d+ times",
            r"bowels? (?:opened|open|moved|went) (?:x ?\d|\d+ ?x|\d+ times)",
            r"(?:more time|living) on the (?:toilet|loo)",
            r"poo(?:'s| is)? like (?:water|porridge|loose porridge|soup)",
            r"bowels? (?:are |is )?(?:going|running|opening) like a tap",
            r"stoma (?:bag )?(?:\w+ ){0,3}?(?:watery|water|liquid|high output|filling)",
            r"\U0001F4A9",
            r"(?:been|gone|went|go|going|run|ran|running) (?:to|on) the (?:loo|toilet|bathroom|restroom)"
            r" " + _NUMBER + r" (?:times|x)",
        ),
    ),
    _SymptomPattern(
        SymptomCode.VOMITING,
        _phrases(
            r"vomit\w*",
            r"vom+\w*",
            r"(?:throw|throws|throwing|thrown|threw) up",
            r"puk\w*",
            r"(?:being|been|was|were) sick(?! of)",
            r"sick (?:up|everywhere)",
            r"(?:can't|cannot|couldn't|can not) (?:even )?keep (?:\w+ ){0,3}?down",
            r"dry ?-?bok\w*",
            r"boking",
            r"(?:chucked|chucking|chuck) up",
            r"hurling",
            r"(?:comes?|came|coming) (?:right |straight )?back up",
            r"\U0001F92E",
        ),
    ),
    _SymptomPattern(
        SymptomCode.COUGH,
        _phrases(
            r"c(?:ou|o|uo)(?:gh|ff|f)(?:s|ed|ing|in|y)?",
            r"cugh",
            r"phlegm",
            r"chesty",
            r"hacking",
        ),
    ),
    _SymptomPattern(
        SymptomCode.SHORT_OF_BREATH,
        _phrases(
            r"short(?:ness)? (?:of|o) " + _BREATHE,
            r"short " + _BREATHE,
            _not_after("to", "i", "could", "gonna", "might") + r"sob",
            r"breathless(?:ness)?",
            r"out of breath",
            r"(?:hard|difficult|difficulty|trouble|problems?|struggle) (?:to )?" + _BREATHE,
            r"breathing (?:is )?(?:hard|difficult|harder|laboured|labored|heavy|tight)",
            r"wheez\w*",
            r"winded",
            r"puffed out",
        ),
    ),
    _SymptomPattern(
        SymptomCode.DIZZINESS,
        _phrases(
            r"dizz\w*",
            r"diz+y",
            r"light ?-?headed\w*",
            r"woozy",
            r"woolly(?: ?-?headed)?",
            r"swimmy",
            r"head (?:is |feels )?(?:all )?(?:swimming|fuzzy|foggy)",
            r"vertigo",
            r"(?:room|head) (?:is |keeps )?spinning(?! with)",
            r"(?:feel|feels|feeling|felt) (?:a bit |a little |really |very )?faint",
            r"faintness",
            r"(?:can|could|can't|cant|cannot) (?:barely|hardly|only just) (?:stand|walk|stay upright"
            r"|get up|stand up)",
            r"unsteady on " + _POSSESSIVE + r" feet",
            r"off balance",
            r"wobbly on (?:my|his|her|their) (?:feet|legs)",
        ),
    ),
    _SymptomPattern(
        SymptomCode.CHILLS,
        _phrases(
            r"chills?(?! out)",
            r"chilly",
            r"cold sweats?",
            r"night sweats",
            r"sweats",
            r"sweating",
            r"sweaty",
            r"clammy",
            r"shivery",
            r"shivers",
            r"shivering",
            r"shiver",
            r"trembling",
            r"shaky",
            r"(?:feel|feels|feeling|felt) (?:so |very |really |a bit |freezing )?(?:cold|freezing"
            r"|chilled)",
            r"(?:i'm|i am|he's|he is|she's|she is) (?:so |very |really )?(?:cold|freezing)",
            r"hot (?:and|then) cold",
            r"(?:can't|cannot|couldn't|can not) (?:get|keep) warm",
            r"(?:went|gone|go|been) freezing",
            r"woke (?:up )?(?:freezing|shivering|frozen)",
            r"(?:i'm|im|he's|hes|she's|shes|says (?:he's|she's|hes|shes)) frozen",
            r"(?:(?<=and\x20)|(?<=but\x20)|(?<=still\x20)|(?<=feel\x20)|(?<=feels\x20)|(?<=i\x27m\x20)"
            r"|(?<=im\x20))freezing(?! (?:outside|out there|in here|weather|cold day))",
            r"goose ?bumps",
        ),
    ),
    _SymptomPattern(
        SymptomCode.RASH,
        _phrases(
            r"rash\w*",
            r"hives",
            r"(?:red|purple|tiny|pinprick|itchy) (?:spots|patches|bumps|dots)",
            r"spots",
            r"petechiae",
            r"blisters?",
        ),
    ),
    _SymptomPattern(
        SymptomCode.UNWELL,
        _phrases(
            r"(?:feel|feels|feeling|felt|feelin) (?:(?:so|very|really|quite|pretty|a bit|a little"
            r"|kind of|kinda|generally|just|absolutely|super|bloody|totally|awful|terribly) ){0,3}"
            r"(?:unwell|awful|terrible|horrible|horrid|rough|lousy|crappy|crap|rubbish|dreadful"
            r"|sick|ill|poorly|grim|yucky|icky|off|wretched|fluey|flu-?ish|flu-?like|grotty|rotten"
            r"|groggy|wrong in (?:myself|himself|herself)|like (?:crap|death|shit|hell|garbage"
            r"|rubbish)|bad(?! (?:for|about|that)(?!\w)))",
            r"(?:not|isn't|aren't|don't|doesn't|didn't|do not|does not) (?:feel|feeling|feelin)"
            r" (?:so |very |too |that |at all )?(?:well|right|good|great|myself|himself|herself"
            r"|100|normal|ok|okay)",
            r"(?:i'm|i am|he's|he is|she's|she is|they're) not (?:very |too |so )?(?:well|good"
            r"|great|right)",
            r"(?:i'm|i am|he's|he is|she's|she is|they're|getting) (?:so |very |really )?(?:sick"
            r"|ill|poorly)(?! (?:of|and tired)(?!\w))",
            # a fever felt but not measured: the rules treat it like feeling unwell (§6 R10)
            r"feverish",
            r"(?:feel|feels|feeling|felt) (?:so |very |really |a bit )?(?:hot|flushed|burning up)",
            r"burning up",
            r"(?:hot|boiling|burning) to (?:the )?touch",
            r"(?:can't|cannot|couldn't|can not) (?:get|even get) out of bed",
            # "has a temp" (UK: a fever), not "has a temp of 36.8" (the reading says it)
            r"(?:got|have|has|having|running|run) (?:a |an )?(?:high |bit of a |slight )?"
            r"(?:fever|temp|temperature)(?! (?:of|is|was|at|around|about|reading)(?!\w))",
            r"not (?:quite )?(?:myself|right in myself)",
            r"unwell",
            r"poorly",
            r"under the weather",
            # a whole text of one word, sent cold: "fever", "worse"
            r"^\W*(?:fever|feverish|worse|getting worse|feel worse|much worse)\W*$",
            r"not (?:feeling |quite )?100 ?%",
            r"(?:feel|feels|feeling|felt) like (?:absolute |total |utter )?(?:death|crap|hell)",
            r"ropey",
            r"rough as",
            r"(?:couldn't|could not|cant|can't) face the stairs",
            r"(?:i'm|im|i am|she's|shes|he's|hes|she is|he is|was|were|felt|feels|feeling) (?:so |really )?"
            r"(?:boiling|roasting)",
            r"arms like lead",
            r"very weak",
            r"lie (?:down )?(?:the )?whole day",
            r"no eat",
            r"(?:hit|run over) by a (?:bus|truck|train|lorry)",
            r"(?:can't|cannot|couldn't) shake (?:it|this)(?: off)?",
            r"peely-?wally",
            r"(?:fair |pure |totally )?wabbit",
            r"(?:real|really|very|pretty) crook",
            r"washed out",
            r"(?:can't|cannot|couldn't) (?:even )?lift (?:my|his|her) head",
            r"(?:can|could) (?:barely|hardly) walk",
            r"no strength",
            r"(?:not|hasn't|haven't|hasnt|havent|hadn't) (?:eaten|drunk|had) (?:a thing|anything)"
            r" (?:in|for|since|all)",
            r"sleeping (?:loads|all day|all the time|a lot more)",
            r"wrong in (?:myself|himself|herself)",
            r"(?:fluey|flu-?ish|grotty)",
            r"run down",
            r"off colou?r",
            r"(?:looks?|looking) (?:really |so |absolutely )?(?:terrible|awful|dreadful|horrendous"
            r"|like death|grim|rough|ill|poorly|unwell)",
        ),
    ),
    _SymptomPattern(
        SymptomCode.NEW_PAIN,
        _phrases(
            r"new pains?",
            r"(?:tummy|belly|stomach|abdominal|abdomen|back|side|ear|joint|leg|arm|bone|muscle"
            r"|neck|pelvic|kidney|flank|rectal|bottom|bum|butt) (?:pains?|aches?|cramps?)",
            r"(?:stomach|tummy|belly|ear|head|back|tooth) ?aches?",
            r"headaches?",
            r"head(?:'s| is)? (?:pounding|banging|splitting|thumping)",
            r"(?:pounding|banging|splitting|thumping) head",
            r"ears? (?:are |is )?(?:killing (?:me|him|her)|hurting|really sore|throbbing|aching)",
            r"stiff neck",
            r"neck (?:is )?stiff",
            r"pains? in " + _POSSESSIVE + r" \w+",
            r"(?:tummy|belly|stomach|abdomen|back|side|ears?|head|neck|legs?|arms?|joints?|hips?"
            r"|bones|bum|bottom)(?:'s| is| are| feels| was)? (?:really |so |very |quite |a bit "
            r"|awfully |terribly )?(?:sore|painful|tender|killing (?:me|him|her))",
            r"(?:sore|painful|aching) (?:tummy|belly|stomach|back|side|ear|joints?|legs?|arms?"
            r"|bones|muscles|neck|bum|bottom)",
            r"cramp(?:s|ing|y)?",
            _not_after("a", "such a", "what a", "real")
            + r"pain(?! (?:relief|reliever|relievers|killer|killers|meds|medicine|medication"
            r"|tablets|pills)(?!\w))",
            r"pains",
            r"painful",
            r"hurts",
            r"hurting",
            r"aches?",
            r"aching",
            r"achy",
        ),
    ),
)

# "no", "not", "denies": a denial when it comes just before a symptom in the same clause
_NEGATOR = _phrases(
    "no",
    "not",
    "non",
    "never",
    "none",
    "nor",
    "neither",
    "without",
    "w/o",
    "denies",
    "denied",
    "deny",
    "negative for",
    "free of",
    "absence of",
    "don't have",
    "do not have",
    "doesn't have",
    "does not have",
    "didn't have",
    "did not have",
    "don't feel",
    "doesn't feel",
    "do not feel",
    "does not feel",
    "don't get",
    "don't",
    "doesn't",
    "do not",
    "does not",
    "haven't",
    "hasn't",
    "have not",
    "has not",
    "hadn't",
    "didn't",
    "did not",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "no longer",
    "zero",
)
# Words that contain a negator but do not deny anything (NegEx "pseudo-negations"): removed
# from the window before looking for a negator.
_PSEUDO_NEGATION = _phrases(
    r"not sure",
    r"not certain",
    r"not know",
    r"no idea",
    r"(?:don't|do not|didn't|did not) (?:know|think|realise|realize|notice|mention)",
    r"not only",
    r"not just",
    r"no (?:better|change|improvement|different|difference|relief)",
    r"not (?:any |much )?(?:better|improving|improved|changed|easing|eased)",
    r"not (?:as|too|so|that) bad",
    r"(?:\w+n't|not|never|cannot|no) (?:\w+ ){0,3}?(?:stop|stopped|stopping|help|helped|helping"
    r"|go away|gone away|going away|went away|gone|settle|settled|settling|ease|eased|improve"
    r"|improved|improving|get better|got better|getting better)",
    r"no matter",
    r"no sign of (?:stopping|improving|getting better|easing)",
)
# "cough: no", "chills - none": a denial straight after the symptom, at the end of its clause
_POST_NEGATION = re.compile(
    r"\s*(?:[:=\-]\s*|\?\s*)?(?:no|none|nope|nil|negative|absent|denies|denied)\W*$",
    re.IGNORECASE,
)
# what keeps a denial going from one symptom to the next: an explicit "or" ("no chills or
# sweats"); side by side ("no cough sore throat") the second is reported (issue 10)
_LIST_JOINER = re.compile(
    r"[\s,/]*(?:or|nor)[\s,/]+(?:(?:any|a|an|the|no|some|much)[\s,/]+)*", re.IGNORECASE
)
# words that may stand between a negation and the symptom it governs
_GOVERNED_FILLER = frozenset(
    [
        "a",
        "an",
        "any",
        "the",
        "some",
        "much",
        "more",
        "further",
        "real",
        "really",
        "very",
        "bad",
        "big",
        "signs",
        "sign",
        "of",
        "symptoms",
        "symptom",
        "have",
        "has",
        "had",
        "got",
        "get",
        "getting",
        "feel",
        "feeling",
        "felt",
        "been",
        "being",
        "having",
        "experiencing",
        "noticed",
        "notice",
        "complained",
        "complaining",
        "my",
        "his",
        "her",
        "their",
        "its",
        "it",
        "i",
        "he",
        "she",
        "they",
        "we",
        "that",
        "this",
        "such",
        "new",
        "other",
        "obvious",
        "major",
        "serious",
        "proper",
        "actual",
        "at",
        "all",
        "so",
        "too",
        "as",
        "yet",
        "still",
        "even",
        "noticeable",
        "sort",
        "kind",
        "fever",
        "temperature",
        "temp",
    ]
)
_HISTORY_AFTER = timedelta(days=7)
# patterns that reach over several words to their descriptor ("port ... red")
_SPAN_CODES = frozenset({SymptomCode.LINE_SITE, SymptomCode.SKIN_INFECTION})
# words that put a clause in the present, whatever the sentence around it says
_PRESENT = _phrases(
    r"now",
    r"today",
    r"tonight",
    r"this (?:morning|afternoon|evening)",
    r"currently",
    r"still",
    r"at the moment",
    r"right now",
    r"just now",
    r"this time",
    r"this (?:cycle|round)",
    r"so far",
)
# a number about the weather, not the patient
_WEATHER = _phrases(
    r"weather",
    r"outside",
    r"outdoors",
    r"heat ?wave",
    r"forecast",
    r"the ac",
    r"air ?con",
    r"scorching",
    r"sunny",
)
_HISTORY_WORDS = _phrases(
    # not "last week": a symptom that began weeks ago may well be going on now
    r"last (?:year|cycle|round|time|treatment|course|month)",
    r"(?:one|that) (?:night|time|weekend|evening|morning)",
    r"the (?:first|second|third|last|other) time",
    r"(?:i|we|he|she) once",
    r"once before",
    r"back then",
    r"when (?:i|he|she|we) had (?:neutropenic )?sepsis",
    r"(?:years?|months?) ago",
    r"(?:in|back in|since) (?:19|20)\d\d",
    r"(?:back )?in (?:jan\w*|feb\w*|march|april|june|july|aug\w*|sep\w*|oct\w*|nov\w*"
    r"|dec\w*)(?! (?:\d|first|1st|2nd|3rd))",
    r"(?:first|previous|earlier|1st|2nd|3rd) (?:cycle|round|lot of chemo|treatment|course)",
    r"(?:after|during|on) (?:cycle|round) \d",
    r"when i was (?:a )?(?:child|kid|young|little|younger)",
    r"as a (?:child|kid)",
)
_PRESENT_TENSE = _phrases(
    r"is", r"are", r"am", r"i'm", r"he's", r"she's", r"has", r"have", r"feels?", r"looks?",
    r"seems?", r"keeps?", r"can't", r"won't", r"getting", r"going", r"been",
)  # fmt: skip
_PAST_VERB = _phrases(
    r"felt",
    r"passed",
    r"blacked",
    r"keeled",
    r"spent",
    r"stayed",
    r"blue ?-?lighted",
    r"ended",
    r"had",
    r"was",
    r"were",
    r"got",
    r"went",
    r"ended up",
    r"fainted",
    r"collapsed",
    r"developed",
    r"caught",
    r"admitted",
    r"did",
)
_ENDED_CHARS = 140
_ENDED = _phrases(
    r"gone now",
    r"(?:has|have|had|it's|they've|they're|all|now|finally|since) (?:all |now |finally )?"
    r"(?:gone|cleared|settled|healed|stopped|passed|eased|resolved|disappeared)"
    # "has gone thick", "has gone red": a change, not an end
    r"(?!\s+(?:blue|grey|gray|pale|floppy|red|white|purple|stiff|quiet|very|really|a|all|worse"
    r"|bad|thick|cloudy|hard|dark|yellow|green|swollen|hot|cold|numb|funny|weird|strange|black"
    r"|up to|to|through|into|on|in|from|right|off (?:her|his|their) legs)(?!\w))",
    r"(?:cleared|healed|settled|dried) up",
    r"(?:went|gone|going) away",
    r"(?:went|passed|stopped|eased|settled|cleared) (?:off |down |up )?after (?:a |an |i |he |she |we "
    r"|my |his |her |some )?(?:\w+ ){0,3}?(?:nap|sleep|rest|lie ?-?down|something to eat|eating|food"
    r"|a drink|drinking|tea|paracetamol|tylenol|sitting down|an hour|a while)",
    # "they went by teatime", "but now finish" (as a writer new to English may put it)
    r"(?:went|gone|passed|stopped|eased off|wore off) by (?:teatime|lunch\w*|dinner\w*|tea|bedtime"
    r"|the (?:evening|afternoon|morning|night)|(?:this|last) (?:morning|afternoon|evening|night))",
    r"(?:now|is|are|it|all) finish(?:ed)?",
    r"back to normal",
    r"better now",
    r"(?:nothing|none|no more) since",
    r"(?:fine|ok|okay|good|normal) since",
    r"(?:hasn't|has not|haven't|have not) (?:happened|come back|returned|been back) since",
    r"settled (?:down|now)",
)
_IF_WORDS = (
    r"what if",
    r"what (?:should|do|would|shall|can) (?:i|we) do (?:if|when)",
    r"if (?:i|he|she|they|you|we|my \w+) (?:ever |should |start to |starts to |begin to )?"
    r"(?:gets?|develops?|starts?|begins?|notices?|catch|catches|were to|was to)",
)
_HYPOTHETICAL_DOSE = _phrases(*_IF_WORDS)
_HYPOTHETICAL = _phrases(
    *_IF_WORDS,
    r"in case",
    r"watch (?:out )?for",
    r"look out for",
    r"keep an eye (?:out )?for",
    r"what (?:are|is) the (?:signs?|symptoms?)",
    r"how (?:do|would|will|can) (?:i|we) (?:know|tell)",
    r"(?:could|might|will|would) (?:i|he|she|they|we) get",
    r"am i likely to get",
    r"(?:risk|chance|chances) of",
    r"prevent\w*",
    r"avoid\w*",
)
# forms that ask about symptoms in general, before the symptom (within its sentence) ...
_GENERAL_BEFORE = _phrases(
    r"what (?:does|do|would|might|will) (?:a |an |the )?",
    r"(?:difference|different) between",
    r"how (?:would|do|will|can|could|should) (?:i|we|you) (?:know|tell|spot|recogni[sz]e)",
    r"does (?:\w+ ){0,3}?(?:give|cause|make) (?:you|people|patients|everyone)",
    r"does (?:everyone|everybody|every one) (?:get|have)",
    r"(?:signs?|symptoms?) (?:of|like|such as)",
)
_IRREALIS = _phrases(
    # "if I get chest pain" may be happening: only a plainly imagined "if" counts
    r"if (?:he|she|they|i|you|we|my \w+|mum|dad) (?:ever|should|were to|was to) (?:gets?|got"
    r"|goes|went|starts?|started|became|becomes|turned|turns|develops?|developed|feel|feels)",
    r"if (?:his|her|my|their) \w+ (?:went|turned|were|was) ",
    r"suppos\w*",
    r"imagine",
    r"in case",
    r"what if",
    r"asking (?:for the future|for future reference|before|in advance|just in case|ahead)",
    r"is (?:a|an) \w+ the same as",
    r"(?:leaflet|booklet|card|sheet|list)s? (?:\w+ )?(?:lists?|mentions?)",
)
_ASKS_WHETHER_TO_CALL = _phrases(
    r"should (?:i|we) (?:call|ring|phone|go in|go to)",
    r"do (?:i|we) (?:need to )?(?:call|ring|phone|go in)",
    r"(?:or|and) (?:call|ring|phone) (?:you|them|the)",
)
_ASKING_AHEAD = _phrases(
    r"asking (?:for the future|for future reference|before it happens|in advance|ahead|just in"
    r" case|before i start|before my first)",
    r"for future reference",
)
# ... in its clause: "the leaflet says mottled skin"
_GENERAL_IN_CLAUSE = _phrases(
    r"(?:leaflet|booklet|card|sheet|website|leaflets|book|information|info|poster)s? (?:\w+ ){0,3}?"
    r"(?:says?|said|mentions?|lists?|talks? about)",
)
# ... or after it, in a question: "are mouth ulcers common with FEC?"
_QUESTION_OPENER = _phrases(r"is", r"are", r"do", r"does", r"can", r"could", r"will")
_GENERAL_AFTER = re.compile(
    r"\W*(?:\w+\W+){0,2}?(?:a |an )?(?:side[ -]?effects?|common|a sign|a symptom|the same as)"
    r"(?!\w)",
    re.IGNORECASE,
)
# vague words about how someone is: worth a clarifying question when nothing else was found
_UNCLEAR_MAX_CHARS = 80
_UNCLEAR = _phrases(
    r"(?:a )?bit off",
    r"meh",
    r"(?:feels?|feeling|felt|seems?|looks?) (?:a bit |kind of |kinda )?(?:funny|weird|strange"
    r"|odd|wrong|different|off)",
    r"same as (?:yesterday|before|last night)",
    r"might be nothing",
    r"up and down",
    r"so[ -]so",
    r"not (?:so |too |that )?(?:great|good|brilliant|clever|grand)",
    r"could be better",
    r"iffy",
    r"not sure (?:how|if) (?:she|he|i|they)(?:'s| is| am| are)? (?:doing|ok|okay|right)",
)
# a fever reducer taken on the team's schedule, not for a fever
_SCHEDULE_INTERVAL = _phrases(
    r"every \d{1,2} ?(?:hrs?|hours?|h)",
    r"every (?:four|six|eight|twelve) hours",
)
_SCHEDULED = _phrases(
    r"every \d{1,2} ?(?:hrs?|hours?|h)",
    r"every (?:four|six|eight|twelve) hours",
    r"(?:\d|once|twice|three times|four times|3x|2x|4x) (?:a|per|each) day",
    r"\d ?x (?:a|per) day",
    r"twice daily",
    r"on (?:a |my |the |his |her )?(?:\w+ )?(?:schedule|timetable|regime|rota)",
    r"(?:schedule|timetable|regime)",
    r"scheduled",
    r"as prescribed",
    r"(?:like|as) (?:the nurse|they|the team|the doctor|the clinic|my nurse|the onc\w*) (?:said"
    r"|told|suggested|advised)",
    r"(?:nurse|team|doctor|clinic) (?:said|told (?:me|us|him|her)) (?:to take )?",
    r"regularly",
    r"round the clock",
)
# the white-cell booster (G-CSF), whose bone pain is expected
_GCSF = _phrases(
    r"neulasta",
    r"neupogen",
    r"pegfilgrastim",
    r"filgrastim",
    r"g-?csf",
    r"onpro",
    r"zarxio",
    r"fulphila",
    r"udenyca",
    r"ziextenzo",
    r"lonquex",
    r"(?:booster|white cell|white blood cell|neutrophil|growth factor) (?:shot|injection|jab)s?",
    r"(?:from|after) the (?:injection|jab|shot)",
)
# figures of speech that contain a symptom word
_IDIOMS = _phrases(
    r"burning up (?:the|my|his|her) (?:phone|phones|lines?|road|roads|miles)",
    r"burn(?:ing|t)? up the phone lines",
    r"shaking (?:with|from) (?:excitement|nerves|anticipation|laughter|rage|anger|fear|joy)",
    r"shaking like a leaf (?:waiting|about|before|over|at the thought)",
    r"sweating (?:bullets|buckets) (?:about|over|waiting)",
    r"sick (?:to death )?of",
    r"sick and tired",
    # the texter puzzled by what they were told, not a confused patient
    r"(?:i'm|i am|we're|we are) (?:so |really |a bit |totally |completely |very )?confused(?=\s*(?:[.!?]|$"
    r"|about(?! (?:what|which|where) (?:day|month|year|time|i am|i'm))|by|as to|why|which|now|lol))",
    r"(?:whooping cough|chicken ?pox|flu|covid|shingles|mmr|measles) (?:jabs?|vaccines?"
    r"|vaccinations?|shots?|boosters?)",
    r"cough (?:syrup|mixture|medicine|sweets|drops|linctus)",
    r"(?:i'll|i will|i'd|i would|gonna|going to) (?:pass out|faint|collapse|die) (?:if|when|at)",
    r"(?:bored|scared|worried|frightened) (?:me )?to death",
    r"(?:nearly|almost) died (?:laughing|of (?:embarrassment|shock|fright))",
    r"dying (?:to|for)",
    r"blue in the face",
    r"(?:can't|cannot|couldn't) breathe (?:for|from) laughing",
    r"(?:delirious|giddy|dizzy|shaking|trembling) with (?:happiness|joy|excitement|relief|nerves)",
    r"(?:bit |so |really |very )?(?:chilly|cold|freezing) in here",
    r"(?:head|mind) (?:is )?spinning with",
    r"bored stiff",
)
# "my dog is shaking": a pet named at most a few words before the symptom is its subject
_PET_SUBJECT = re.compile(
    _loosen(
        r"(?<!\w)(?:my|our|the|his|her|their|\w+'?s) (?:\w+ )?(?:dog|dogs|doggy|cat|cats|puppy|pup"
        r"|kitten|kitty"
        r"|pet|bird|parrot|hamster|rabbit|bunny|horse|pony|guinea pig)(?:'s)?(?!\w)"
        r"(?:\W+\w+){0,5}?\W*$"
    ),
    re.IGNORECASE,
)
# "my friend has a cough, can she visit?": someone who is not the patient (nor a caregiver's
# patient, who is an adult) named just before the symptom is its subject. Red flags still count.
_OTHER_PEOPLE = (
    r"friends?|grand ?kids?|grand ?sons?|grand ?daughters?|grand ?child(?:ren)?|grand ?babies"
    r"|grand ?baby|kids?|child(?:ren)?|baby|toddler|visitors?|neighbou?rs?|co-?workers?"
    r"|colleagues?|classmates?|someone|somebody|people|guests?|little one|lady|woman|bloke"
    r"|guy|lad|nephew|niece|sister-in-law|brother-in-law|carer|cleaner"
)
_RELATIVES = (
    r"husband|hubby|wife|partner|boyfriend|girlfriend|son|daughter|mum|mom|mother|dad|father"
    r"|sister|brother|boy|girl|little girl|little boy|lad|kid|uncle|aunt|auntie|cousin|nan|nana"
    r"|gran|granny|grandma|grandad|grandpa"
)
_FOUND_SOMEONE = re.compile(r"found\s+(?P<whom>him|her|me|them)\b", re.IGNORECASE)
# someone else who starts the clause, however long the words before the symptom: "a lady at
# the chemo unit keeled over", "the man in the next chair was coughing"
_CLAUSE_SUBJECT = re.compile(
    _loosen(
        r"\W*(?:(?:and|but|so|oh|also|plus)\W+)?(?:a|the|this|that|one|another) (?:other )?(?:"
        + _OTHER_PEOPLE
        + r"|man|men|fella|fellow|chap|gentleman)(?!\w)"
        # nobody else named in between: "the lady said he's confused" is about him
        r"(?:(?!\b(?:and|but|so|he|she|hes|shes|he's|she's|him|his|her|i|im|i'm|my|mum|mom|dad"
        r"|husband|hubby|wife|partner|said|says|told|thinks?|reckons?)\b)[^,;.!?\n]){0,80}$"
    ),
    re.IGNORECASE,
)
_OTHER_PERSON_SUBJECT = re.compile(
    _loosen(
        r"(?<!\w)(?:my|our|the|a|his|her|their|your)? ?(?:" + _OTHER_PEOPLE + r")(?:'s)?(?!\w)"
        r"(?:\W+\w+){0,3}?\W*$"
    ),
    re.IGNORECASE,
)
# from a patient, a relative named as the subject is someone else; from a caregiver it is
# most often the patient they look after
# from a caregiver, "his brother", "her sister": the patient's relative, not the patient
_PATIENTS_RELATIVE_SUBJECT = re.compile(
    _loosen(
        r"(?<!\w)(?:his|her|their) (?:" + _RELATIVES + r")(?:'s)?(?!\w)"
        # "his daughter says he's shaking" is about him
        r"(?:\W+(?!(?:he|she|hes|shes|he's|she's|him|her|his|says|said|thinks|reckons)\b)\w+){0,4}?\W*$"
    ),
    re.IGNORECASE,
)
_RELATIVE_SUBJECT = re.compile(
    _loosen(
        r"(?<!\w)(?:my|our|his|her) (?:" + _RELATIVES + r")(?:'s)?(?!\w)(?:\W+\w+){0,4}?\W*$"
        r"|(?<!\w)(?:husband|hubby|wife|partner|son|daughter|dad|mum)(?:'s)? (?:has|had|got"
        r"|is|was|tested|come|came)(?!\w)(?:\W+\w+){0,4}?\W*$"
    ),
    re.IGNORECASE,
)
# ("my" is left out: "my husband" names him; "me" is most often an object: "next to me")
_FIRST_PERSON = _phrases(
    r"i",
    r"i'm",
    r"im",
    r"mine",
    r"i've",
    r"ive",
    r"i'd",
    r"myself",
    r"me (?:fine|ok|okay|too)",
    r"my (?:temp|temperature|reading)",
)
# someone named with what they have, earlier in the sentence: "my little girl's been up all
# night with 38.9 and a barking cough", "husband tested positive for covid, 39.1"
_STATE_AFTER = (
    r"(?:'s|s)?(?:\W+\w+){0,5}?\W+(?:has|had|got|is|was|been|came|come|tested|running|ran|ill"
    r"|poorly|with|caught|having|keeled|collapsed|fainted|fell)(?!\w)"
)
_OTHER_NAMED = re.compile(
    _loosen(r"(?<!\w)(?:" + _OTHER_PEOPLE + r")(?!\w)" + _STATE_AFTER), re.IGNORECASE
)
_RELATIVE_NAMED = re.compile(
    _loosen(r"(?<!\w)(?:" + _RELATIVES + r")(?!\w)" + _STATE_AFTER), re.IGNORECASE
)
# "my mum (88, not the patient) has a water infection": whoever was just named is someone else
_NOT_THE_PATIENT = _phrases(
    r"not the patient",
    r"isn't the patient",
    r"(?:not|isn't) the one (?:on|having|with) (?:chemo|treatment|cancer)",
    r"(?:not|isn't) on chemo",
)
_ON_TREATMENT = _phrases(
    r"(?:who is|who's|whos|that is|that's)? ?on (?:the )?(?:chemo|chemotherapy|treatment)",
    r"(?:who|that) (?:has|is having) (?:the )?(?:chemo|chemotherapy)",
)
# from a patient, "she's running 101" is somebody else; from a caregiver, "she" is most
# often the patient
_THIRD_PERSON = _phrases(
    r"he", r"he's", r"hes", r"she", r"she's", r"shes", r"they're", r"his", r"her", r"him"
)
_THIRD_PERSON_STATE = _phrases(
    r"(?:he|she|they)(?:'s|s|'ve| is| has| was| had| are)? (?:\w+ )?(?:running|got|ill|poorly"
    r"|sick|down with|caught|coughing|shivering|burning)"
)
# a caregiver's own illness, and what carries on from it: "I've got a streaming cold and a
# sore throat"
_CAREGIVER_HAS = _phrases(r"(?:i've|ive|i have|i've been|i'm|im) (?:got|had|caught|come down)")
_CAREGIVER_OWN = _phrases(
    r"(?:i've|ive|i have|i've been|i'm|im) (?:got )?(?:a |an |some )?(?:\w+ ){0,3}?$"
)
_COUNT_PATTERNS = (
    re.compile(r"(?<![\w.])(?P<n>" + _NUMBER + r")\s*(?:x|×|times)(?!\w)", re.IGNORECASE),
    re.compile(r"(?<![\w.])(?P<n>once|twice|thrice)(?!\w)", re.IGNORECASE),
    re.compile(
        r"(?<![\w.])(?:x|×)\s*(?P<n>\d{1,2})(?!\d)(?!\s*(?:days?|hours?|hrs?|weeks?|d|h)\b)",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![\w.])(?P<n>" + _NUMBER + r")\s+(?:\w+\s+){0,2}?(?:stools?|poos?|poops?|bowel"
        r"\s+movements?|bms?|motions|episodes?|bouts?|trips|loose\s+ones|watery\s+ones|so\s+far)(?!\w)",
        re.IGNORECASE,
    ),
)
_COUNTED_CODES = frozenset({SymptomCode.DIARRHOEA, SymptomCode.VOMITING})

_MEDICINE_PATTERNS: tuple[tuple[FeverReducer, re.Pattern[str]], ...] = (
    (
        FeverReducer.ACETAMINOPHEN,
        _phrases(
            r"tyl[aeo]n[oa]l\w*",
            r"tylonol",
            r"tynelol",
            r"para?c[ei]t[aeo]m[oa]le?",
            r"panadol",
            r"calpol",
            r"ac[ie]t[ao]min[oa]ph[ei]ne?",
            r"apap",
            r"tempra",
            r"fever ?all",
            r"mapap",
            r"co-?codamol",
            r"percocet",
            r"vicodin",
            r"norco",
            r"nyquil",
            r"dayquil",
            r"theraflu",
            r"lemsip",
            r"beechams",
            r"excedrin",
        ),
    ),
    (
        FeverReducer.IBUPROFEN,
        _phrases(
            r"advil",
            r"motrin",
            r"nurofen",
            r"ib[ur]{0,3}p?r?[oa]f[ei]ne?",
            r"ibuprophen",
            r"brufen",
            r"calprofen",
            r"nuprin",
        ),
    ),
    (
        FeverReducer.ASPIRIN,
        _phrases(r"aspirin\w*", r"asp[ea]?rin", r"disprin", r"anadin", r"excedrin", r"ecotrin"),
    ),
    (FeverReducer.NAPROXEN, _phrases(r"naproxen", r"naprosyn", r"aleve", r"anaprox")),
    (
        FeverReducer.UNKNOWN,
        _phrases(
            r"something (?:for|to (?:bring|get|reduce|lower|break|help)(?: down)?) (?:down )?"
            r"(?:the |my |his |her |a |this )?(?:fever|temp|temperature|high temp|pain|headache)"
            r"(?: down)?",
            r"fever (?:reducers?|reducing (?:meds?|medicine|medication|tablets?|pills?)|meds?"
            r"|medicine|medication|tablets?|pills?)",
            r"(?:a |some |the )?(?:pills?|tablets?|medicine|meds?|medication|capsules?|dose)"
            r" (?:for|to bring down) (?:the |my |his |her |a )?(?:fever|temp|temperature)",
            r"antipyretics?",
            r"pain ?killers?",
            r"pain ?relie(?:f|vers?)",
            r"pain (?:meds?|medicine|medication|tablets?|pills?)",
            r"cold (?:and|&) flu (?:tablets?|pills?|meds?|medicine|capsules?|sachets?|remedy)",
        ),
    ),
)
# "took", "had", "gave him": the words that make a medicine a dose already taken
_TAKEN = _phrases(
    r"took",
    r"taken",
    r"tooken",
    r"had",
    r"gave",
    r"given",
    r"giving",
    r"give (?:him|her|them)",
    r"popped",
    r"swallowed",
    r"used",
    r"using",
    r"taking",
    r"dosed",
    r"(?:last|a) dose of",
    r"(?:i'm|i am|he's|he is|she's|she is|they're|been|is|are|was|were) on",
)
_PRESENT_TENSE_TAKING = _phrases(r"giving", r"give (?:him|her|them)", r"using", r"taking", r"on")
# "can I take", "should I have taken", "is it ok to give": asking, not reporting, a dose
_ASKING = _phrases(
    r"can(?!'t)",
    r"could",
    r"should",
    r"shall",
    r"would",
    r"will",
    r"is it (?:ok|okay|safe|alright|fine|bad|wise) to",
    r"(?:ok|okay|safe|allowed|supposed|need|want|going|planning|meant) to",
    r"gonna",
    r"thinking (?:of|about)",
    r"how (?:much|many|often)",
    r"what about",
    r"(?:do|does) (?:i|he|she|we|they)",
    r"instead of",
    r"rather than",
    r"before (?:i|he|she|we|they|you) (?:take|give|use)",
    r"before (?:taking|giving|using)",
    r"(?:don't|do not|never|not to) (?:take|give|use)",
    r"avoid\w*",
    r"allergic to",
    r"told not to",
)
_DOSE_AFTER = _phrases(
    r"ago", r"earlier", r"already", r"given", r"taken", r"last night", r"x ?\d", r"\d ?x"
)
# Each word must end where it ends ("500mg" is two words, "aaa" none), so that a long run of
# digits or letters can be read one way only and the match stays linear.
_QUANTITY = re.compile(
    r"[\s.!]*(?:(?:\d+(?!\d)|(?:a|an|one|two|three|some|x|mg|g|ml|tablets?|pills?|caps?|of"
    r"|doses?)(?![a-z]))[\s.!]*)*",
    re.IGNORECASE,
)
# what joins medicines taken together ("took tylenol and 2 advil")
_MEDICINE_JOINER = re.compile(
    r"[\s,&+/]*(?:(?:\d+(?!\d)|(?:and|plus|also|then|with|some|a|an|the|mg|g|ml|two|one"
    r"|tablets?|pills?|caps?)(?![a-z]))[\s,&+/]*)*",
    re.IGNORECASE,
)

_NO_SYMPTOMS = _phrases(
    r"no (?:other |more |new |further )?(?:symptoms?|problems?|issues?|complaints?|concerns?)",
    r"nothing (?:else|other|new|more|to report|much)",
    r"none (?:of (?:them|these|those|the above)|at all)",
    r"(?:feel|feels|feeling|felt|i'm|i am|he's|he is|she's|she is|doing|seems?|otherwise)"
    r" (?:(?:really|very|so|quite|pretty|totally|absolutely|perfectly|feeling|doing|basically"
    r"|otherwise|all) ){0,2}(?:fine|ok|okay|good|great|well|alright|all right|normal|grand)",
    r"all good",
    r"that's (?:it|all)",
)
_BARE_NO = re.compile(
    r"\W*(?:no+|nope|nah|none|nothing|nil|n|no thanks?|no thank you|nothing else|none thanks?)"
    r"\W*",
    re.IGNORECASE,
)
_RELATIVE = (
    r"my (?:husband|hubby|wife|partner|boyfriend|girlfriend|mum|mom|mother|dad|father|son|daughter"
    r"|boy|girl|kid|child|baby|brother|sister|grandma|grandpa|granny|nan|gran|grandad|friend"
    r"|patient|uncle|aunt|auntie)"
)
_CAREGIVER_CONCERN = _phrases(
    r"(?:not|isn't|is not|aren't|doesn't seem|does not seem) (?:\w+ ){0,2}?(?:himself|herself"
    r"|themselves|themself)",
    r"not (?:\w+ ){0,2}?(?:his|her|their) (?:usual|normal|old) self",
    r"(?:acting|behaving|being|talking|seems?|seeming|looks?|looking) (?:really |very |a bit |a"
    r" little |kind of |kinda |so |quite |pretty )?(?:strange(?:ly)?|weird(?:ly)?|odd(?:ly)?"
    r"|funny|different(?:ly)?|off|out of character|bizarre(?:ly)?|unusual(?:ly)?|not right"
    r"|spaced out|vacant|agitated|restless)",
    r"something(?:'s| is) (?:\w+ )?(?:off|not right|wrong) (?:with|about) (?:him|her|them|"
    + _RELATIVE
    + r")",
    r"(?:worried|concerned|scared|frightened|worrying) (?:about|for) (?:him|her|them|"
    + _RELATIVE
    + r")",
    r"(?:he|she|they)(?:'s| is| are) (?:just )?not (?:right|with it|all there)",
    r"more (?:sleepy|drowsy|tired|confused|quiet|irritable|withdrawn) than (?:usual|normal)",
    r"(?:quieter|sleepier|drowsier|grumpier|crosser) than (?:usual|normal)",
    r"(?:gone|going|getting|been|is|being|become|becoming) (?:really |very |so |quite )?(?:aggressive"
    r"|agitated|violent|combative|paranoid)",
    r"(?:never|not) like (?:that|this|him|her)(?: at all)?",
    r"(?:isn't|is not|not|hasn't|has not|hasnt) (?:been )?(?:just )?(?:right|himself|herself)"
    r" (?:since|today|tonight|all day)",
    r"just not right",
    r"(?:hasn't|hasnt|has not|won't|wont) touch(?:ed)? (?:his|her|their) (?:breakfast|lunch|dinner|tea|food)",
    r"never says no to",
    r"having accidents",
    r"never done that",
    r"(?:gone|going|is|been) (?:really |very |so |all )?(?:flat and quiet|flat|withdrawn)",
    r"something(?:'s| is) (?:just |a bit |really )?off(?! with (?:the|my|this) (?:thermometer|app|phone))",
    r"(?:today )?(?:is|isn't|is not) (?:not )?(?:normal|herself|himself) today",
    r"(?:she|he)(?:'s| is)? (?:very|so|really) quiet",
    r"(?:could|can) (?:hardly|barely) get (?:him|her|them) to (?:answer|respond|talk|speak)",
    r"(?:change|changes|changed) in (?:his|her|their) (?:behaviou?r|personality|mood)",
)

_SENTENCE_BREAK = r"[!?;\n\r]+|\.+(?=\s|$)"
_SENTENCE_BREAK_RE = re.compile(_SENTENCE_BREAK)
# clause ends: sentence ends, commas, "&" and words that start a new thought. "and" does not
# split "hot and cold" or "bleeding and it won't stop".
_CLAUSE_BREAK_RE = re.compile(
    _SENTENCE_BREAK
    + r"|[,&+]"
    + r"|\b(?:but|though|although|however|except|besides|plus|also|whereas)\b|(?<!hot\s)\bthen\b"
    + r"|\b(?:apart|aside)\s+from\b|\bother\s+than\b"
    + r"|(?<!\bin\s)(?<!\bon\s)\band\b(?!\s+(?:cold|shivery|shivering|flu|out|off)\b)"
    + r"(?!\s+(?:(?:it|they|he|she|i)\s+)?(?:won'?t|can'?t|cannot|will\s+not|doesn'?t|does\s+not"
    + r"|isn'?t|hasn'?t|not)\s+stop)"
    # "... and it burns", "on the floor and can't get up": the same thing, not a new one
    + r"(?!\s+(?:it\s+)?(?:burns|stings|hurts)\b)(?!\s+(?:can'?t|cannot|couldn'?t)\s+get\s+up\b)",
    re.IGNORECASE,
)


# --- the message, cut into sentences and clauses -----------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\ufeff]")
_LINE_SEPARATOR_RE = re.compile(r"[\u2028\u2029\x85]")


def _clean(text: str) -> str:
    # one character in, one character out, so match positions are positions in the message
    text = (text or "")[:MAX_TEXT_CHARS].translate(_APOSTROPHES)
    text = _LINE_SEPARATOR_RE.sub("\n", text)
    return _CONTROL_RE.sub(" ", text)


def _spans(text: str, breaks: re.Pattern[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for match in breaks.finditer(text):
        if match.start() > position:
            spans.append((position, match.start()))
        position = max(position, match.end())
    if position < len(text):
        spans.append((position, len(text)))
    return spans


class _Message:
    """The cleaned text with its sentence and clause spans."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = _spans(text, _SENTENCE_BREAK_RE)
        self.clauses = _spans(text, _CLAUSE_BREAK_RE)
        self._sentence_starts = [start for start, _ in self.sentences]
        self._clause_starts = [start for start, _ in self.clauses]
        self._times: dict[tuple[int, int], TimeReference | None] = {}

    def matches(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, int, tuple[int, int]]]:
        """Every match of `pattern` that stays inside one clause, with that clause."""
        position = 0
        while position <= len(self.text):
            match = pattern.search(self.text, position)
            if match is None:
                return
            start, end = match.span()
            clause = self.clause_of(start, end)
            if clause is None:
                # a match running into the next clause may hide a shorter one inside this clause
                position = start + 1
                continue
            yield start, end, clause
            position = max(end, start + 1)

    def clause_of(self, start: int, end: int) -> tuple[int, int] | None:
        """The clause holding text[start:end], or None when the span crosses a clause end."""
        return _span_of(self.clauses, self._clause_starts, start, end)

    def sentence_of(self, start: int, end: int) -> tuple[int, int]:
        found = _span_of(self.sentences, self._sentence_starts, start, end)
        return found if found is not None else (start, end)

    def time_in(self, clause: tuple[int, int], now: datetime, local_tz: tzinfo) -> datetime | None:
        # a clause is looked at once, however many symptoms it names
        if clause not in self._times:
            self._times[clause] = find_time_reference(
                self.text[clause[0] : clause[1]], now, local_tz
            )
        reference = self._times[clause]
        return min(reference.when, now) if reference is not None else None


def _span_of(
    spans: list[tuple[int, int]], starts: list[int], start: int, end: int
) -> tuple[int, int] | None:
    index = bisect_right(starts, start) - 1
    if index < 0:
        return None
    span = spans[index]
    return span if span[0] <= start and end <= span[1] else None


# --- symptoms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    pattern: _SymptomPattern
    clause: tuple[int, int]


def _find_symptoms(
    message: _Message, now: datetime, local_tz: tzinfo, texter: Reporter | None
) -> tuple[tuple[SymptomMention, ...], tuple[SymptomCode, ...]]:
    text = message.text
    found: list[_Found] = []
    covered = bytearray(len(text))  # characters already claimed by an earlier pattern
    for idiom in _IDIOMS.finditer(text):  # "burning up the phone", "shaking with excitement"
        covered[idiom.start() : idiom.end()] = b"\x01" * (idiom.end() - idiom.start())
    for pattern in _SYMPTOM_PATTERNS:
        for start, end, clause in message.matches(pattern.regex):
            if any(covered[start:end]):
                continue
            covered[start:end] = b"\x01" * (end - start)
            found.append(_Found(start, end, pattern, clause))
    found.sort(key=lambda item: item.start)

    mentions: list[SymptomMention] = []
    denied: list[SymptomCode] = []
    previous: _Found | None = None
    previous_denied = False
    for item in found:
        clause_start, clause_end = item.clause
        sentence_start, _ = message.sentence_of(item.start, item.end)
        # a red flag is never explained away: "what do I do if she can't breathe" may be now
        if not item.pattern.red_flag and _HYPOTHETICAL.search(
            text, max(sentence_start, item.start - _HYPOTHETICAL_CHARS), item.start
        ):
            continue
        if _is_general_question(message, item) or _is_irrealis(message, item):
            continue
        if item.pattern.code is SymptomCode.NEW_PAIN and _GCSF.search(
            text, *message.sentence_of(item.start, item.end)
        ):
            continue  # bone pain after the white-cell booster is expected (its own answer)
        if _about_a_pet(text, clause_start, item.start):
            continue
        if about_someone_else(
            message.text, item.start, clause_start, texter, sentence_start, item.pattern.red_flag
        ):
            continue
        same_clause = previous is not None and previous.clause == item.clause
        window_start = previous.end if same_clause and previous is not None else clause_start
        window = text[window_start : item.start]
        is_denied = (
            # "no chills or sweats": an explicit "or" carries a denial on, never to a red flag
            (
                same_clause
                and previous_denied
                and not item.pattern.red_flag
                and _LIST_JOINER.fullmatch(window) is not None
            )
            or _governs_negation(window)
            or (
                clause_end - item.end <= _POST_NEGATION_CHARS
                and _POST_NEGATION.match(text, item.end, clause_end) is not None
            )
        )
        # "port flushed today no redness": the denial sits inside a line-site phrase
        is_denied = is_denied or (
            item.pattern.code in _SPAN_CODES
            and _governs_negation(text[item.start : item.end].rsplit(" ", 1)[0] + " ")
        )
        previous, previous_denied = item, is_denied
        if is_denied:
            denied.append(item.pattern.code)
            continue
        when = message.time_in(item.clause, now, local_tz)
        if _is_past_history(message, item, when, now):
            continue
        if not item.pattern.red_flag and _has_ended(message, item):
            continue
        mentions.append(
            SymptomMention(
                code=item.pattern.code,
                raw=_raw(text[item.start : item.end]),
                # a symptom reported now is present now, whenever it began (issue 10)
                occurred_at=now,
                onset_at=when if when is not None and when < now else None,
                count=(
                    _count_near(message, item)
                    or _count_from_frequency(message, item, now, local_tz)
                    if item.pattern.code in _COUNTED_CODES
                    else None
                ),
                red_flag=item.pattern.red_flag,
            )
        )
    symptoms = one_per_code(mentions)
    reported = {mention.code for mention in symptoms}
    return symptoms, tuple(dict.fromkeys(code for code in denied if code not in reported))


def about_someone_else(
    text: str,
    start: int,
    clause_start: int,
    texter: Reporter | None,
    sentence_start: int | None = None,
    red_flag: bool = False,
) -> bool:
    """The symptom or reading at `start` belongs to someone who is not the patient.

    - Named just before it: "my neighbour's boy has a cough"; from a patient, "husband has a bad
      cough". A first person in between makes it the texter's ("my husband says I'm burning up").
    - Otherwise the last person named with what they have, earlier in the sentence, carries on:
      "my little girl's been up all night with 38.9 and a barking cough", "hubby's come down with
      something nasty, 38.8 and shivering". From a patient, "she's running 101" is someone
      else; from a caregiver, "she" is the patient.
    - From a caregiver, "I've got a sore throat" is the caregiver's own (not a red flag: those
      still count, whoever has them).
    """
    found = _FOUND_SOMEONE.match(text, start)
    if found is not None:  # "the carer found him on the floor": about whoever was found
        return texter is Reporter.PATIENT and found.group("whom").lower() in ("him", "her", "them")
    window_start = max(clause_start, start - _PET_CHARS)
    subject = _OTHER_PERSON_SUBJECT.search(text, window_start, start)
    if subject is None and texter is Reporter.PATIENT:
        subject = _RELATIVE_SUBJECT.search(text, window_start, start)
    if subject is None and texter is Reporter.CAREGIVER:
        subject = _PATIENTS_RELATIVE_SUBJECT.search(text, window_start, start)
    if subject is None:
        subject = _CLAUSE_SUBJECT.match(text, clause_start, start)
    if subject is not None:
        return _FIRST_PERSON.search(text, subject.start(), start) is None
    if (
        texter is Reporter.CAREGIVER
        and not red_flag
        and _CAREGIVER_OWN.search(text, window_start, start)
    ):
        return True
    if sentence_start is None or texter is None:
        return False  # whose it is, when not said right before it, needs to know who texts
    return _last_named_is_someone_else(text, sentence_start, start, texter)


def _last_named_is_someone_else(text: str, start: int, end: int, texter: Reporter | None) -> bool:
    """Whether the last person named, with what they have, between `start` and `end` is not
    the patient."""
    marks = [(m.start(), True) for m in _OTHER_NAMED.finditer(text, start, end)]
    marks += [(m.start(), True) for m in _NOT_THE_PATIENT.finditer(text, start, end)]
    marks += [(m.start(), False) for m in _FIRST_PERSON.finditer(text, start, end)]
    if texter is Reporter.PATIENT:
        marks += [(m.start(), True) for m in _RELATIVE_NAMED.finditer(text, start, end)]
        marks += [(m.start(), True) for m in _THIRD_PERSON_STATE.finditer(text, start, end)]
    elif texter is Reporter.CAREGIVER:
        marks += [(m.start(), False) for m in _THIRD_PERSON.finditer(text, start, end)]
        marks += [(m.start(), False) for m in _RELATIVE_NAMED.finditer(text, start, end)]
        marks += [(m.start(), True) for m in _CAREGIVER_HAS.finditer(text, start, end)]
    # "a lady on chemo": whoever is named as having the treatment is the patient
    marks += [(m.end(), False) for m in _ON_TREATMENT.finditer(text, start, end)]
    return bool(marks) and max(marks)[1]


def _about_a_pet(text: str, clause_start: int, start: int) -> bool:
    """ "my dog is shaking", "my cat has a temperature of 39.2"; not "after walking my dog I
    felt dizzy"."""
    pet = _PET_SUBJECT.search(text, max(clause_start, start - _PET_CHARS), start)
    return pet is not None and _FIRST_PERSON.search(text, pet.start(), start) is None


def _is_irrealis(message: _Message, item: _Found) -> bool:
    """ "suppose his lips went blue", "in case dad ever gets confused", "... asking for the
    future": a situation imagined, not one happening; red flags too."""
    if _ASKING_AHEAD.search(message.text):
        return True
    sentence_start, _ = message.sentence_of(item.start, item.end)
    start = max(sentence_start, item.start - _HYPOTHETICAL_CHARS)
    return _IRREALIS.search(message.text, start, item.start) is not None


def _is_general_question(message: _Message, item: _Found) -> bool:
    """A question about symptoms in general, not a report: "what does a line infection look
    like?", "is confusion a side effect?", "the leaflet says mottled skin". Red flags too:
    these forms never describe what is happening now."""
    sentence_start, sentence_end = message.sentence_of(item.start, item.end)
    text = message.text
    if _ASKS_WHETHER_TO_CALL.search(text, sentence_start, sentence_end):
        return False  # "is being short of breath a side effect or should I call": it is now
    if _GENERAL_BEFORE.search(
        text, max(sentence_start, item.start - _HYPOTHETICAL_CHARS), item.start
    ):
        return True
    clause_start, clause_end = item.clause
    if _GENERAL_IN_CLAUSE.search(text, clause_start, item.start):
        return True
    asks = _QUESTION_OPENER.search(text, clause_start, item.start) is not None
    return asks and _GENERAL_AFTER.match(text, item.end, clause_end) is not None


def _governs_negation(window: str) -> bool:
    """A "no", "not" or "didn't" just before a symptom that governs it: only filler words
    ("no real cough", "not having any chills") stand between them. "couldn't eat shivering"
    and "not hungry burning when I pee" report the shivering and the burning."""
    cleaned = _PSEUDO_NEGATION.sub(" ", window[-200:])
    last = None
    for match in _NEGATOR.finditer(cleaned):
        last = match
    if last is None:
        return False
    between = re.findall(r"[\w']+", cleaned[last.end() :].lower())
    return len(between) <= _NEGATION_WORDS and all(
        word.replace("'", "") in _GOVERNED_FILLER for word in between
    )


def _is_past_history(message: _Message, item: _Found, when: datetime | None, now: datetime) -> bool:
    """Dated more than a week ago, or told as an earlier cycle's story: "I had sepsis last
    year", "after round 2 I fainted"."""
    if when is not None and now - when > _HISTORY_AFTER:
        return True
    return _told_as_history(message, item.start, item.end)


def not_the_patients_now(text: str, position: int, texter: Reporter | None) -> bool:
    """The number at `position` is not the patient's temperature now: someone else's or a
    pet's ("my son's got 101", "my cat has 39.2"), an earlier cycle's story ("back in March I
    was 38.9 and admitted"), or the weather ("101 degrees in Phoenix today")."""
    message = _Message(_clean(text))
    clause = message.clause_of(position, position + 1) or (position, position + 1)
    sentence_start, sentence_end = message.sentence_of(position, position + 1)
    if _about_a_pet(message.text, clause[0], position):
        return True
    if about_someone_else(message.text, position, clause[0], texter, sentence_start):
        return True
    if clause != (position, position + 1) and _WEATHER.search(message.text, clause[0], clause[1]):
        return True
    present = _PRESENT.search(message.text, clause[0], clause[1]) is not None
    return not present and (
        _told_as_history(message, position, position + 1)
        or (
            _HISTORY_WORDS.search(message.text, sentence_start, sentence_end) is not None
            and _PAST_VERB.search(message.text, sentence_start, sentence_end) is not None
        )
    )


def _told_as_history(message: _Message, start: int, end: int) -> bool:
    clause = message.clause_of(start, end) or message.sentence_of(start, end)
    sentence_start, sentence_end = message.sentence_of(start, end)
    text = message.text
    if _HISTORY_WORDS.search(text, sentence_start, sentence_end) is None:
        return False
    if _PAST_VERB.search(text, clause[0], clause[1]) is not None:
        return True
    # "last time I got home and 3 hours later I was shivering and aching all over": a clause
    # with no verb of its own carries on the sentence's past tense
    return (
        _PAST_VERB.search(text, sentence_start, start) is not None
        and _PRESENT.search(text, clause[0], clause[1]) is None
        and _PRESENT_TENSE.search(text, clause[0], clause[1]) is None
    )


def _has_ended(message: _Message, item: _Found) -> bool:
    """The text says this symptom has gone: "had chills yesterday, gone now"."""
    _, sentence_end = message.sentence_of(item.start, item.end)
    reach = min(sentence_end, item.end + _ENDED_CHARS)
    following = _ENDED.search(message.text, item.end, reach)
    if following is None:
        return False
    return not _is_negated(message.text[item.end : following.start()][-30:])


def _is_negated(window: str) -> bool:
    words = _PSEUDO_NEGATION.sub(" ", window[-200:]).split()
    return _NEGATOR.search(" ".join(words[-_NEGATION_WORDS:])) is not None


def _count_near(message: _Message, item: _Found) -> int | None:
    """The episode count written next to a diarrhoea or vomiting mention, if any: in its
    clause first, then its sentence, then anywhere in the message ("the runs started sunday
    and he's still going 5 or 6 times a day")."""
    text = message.text
    clause_start, clause_end = item.clause
    sentence_start, sentence_end = message.sentence_of(item.start, item.end)
    after = (item.start, min(clause_end, item.end + _COUNT_CHARS))
    before = (max(clause_start, item.start - _COUNT_CHARS), item.end)
    for span_start, span_end in (
        after,
        before,
        (item.start, sentence_end),
        (sentence_start, item.end),
        (0, len(text)),
    ):
        best: re.Match[str] | None = None
        for pattern in _COUNT_PATTERNS:
            for match in pattern.finditer(text, span_start, span_end):
                if best is None or abs(match.start() - item.start) < abs(best.start() - item.start):
                    best = match
        if best is not None:
            number = best.group("n").lower()
            value = _NUMBER_WORDS.get(number) or int(number)
            return value if value > 0 else None
    return None


def _count_from_frequency(
    message: _Message, item: _Found, now: datetime, local_tz: tzinfo
) -> int | None:
    """ "every hour since 5am": the episodes that makes, when the sentence says both."""
    sentence_start, sentence_end = message.sentence_of(item.start, item.end)
    sentence = message.text[sentence_start:sentence_end]
    intervals = find_intervals(sentence)
    since = [
        reference
        for reference in find_time_references(sentence, now, local_tz)
        if sentence[max(0, reference.start - 6) : reference.start].lower().strip().endswith("since")
        or reference.phrase.lower().startswith("since")
    ]
    if not intervals or not since:
        return None
    return max(1, int((now - since[0].when) / intervals[0].elapsed))


def one_per_code(mentions: Iterable[SymptomMention]) -> tuple[SymptomMention, ...]:
    """One mention per symptom, keeping the most severe form: the red-flag wording if any, the
    highest count given and the earliest onset."""
    chosen: dict[SymptomCode, SymptomMention] = {}
    for mention in mentions:
        kept = chosen.get(mention.code)
        if kept is None:
            chosen[mention.code] = mention
            continue
        best = mention if mention.red_flag and not kept.red_flag else kept
        counts = [c for c in (kept.count, mention.count) if c is not None]
        onsets = [o for o in (kept.onset_at, mention.onset_at) if o is not None]
        chosen[mention.code] = replace(
            best,
            occurred_at=max(kept.occurred_at, mention.occurred_at),
            count=max(counts) if counts else None,
            red_flag=kept.red_flag or mention.red_flag,
            onset_at=min(onsets) if onsets else None,
        )
    return tuple(chosen.values())


def _raw(fragment: str) -> str:
    return " ".join(fragment.split())[:_RAW_MAX_CHARS]


# --- fever reducers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dose:
    start: int
    end: int
    medicine: FeverReducer
    clause: tuple[int, int]


def _find_fever_reducers(
    message: _Message, now: datetime, local_tz: tzinfo
) -> tuple[FeverReducerMention, ...]:
    text = message.text
    found: list[_Dose] = []
    for medicine, pattern in _MEDICINE_PATTERNS:
        for start, end, clause in message.matches(pattern):
            found.append(_Dose(start, end, medicine, clause))
    found.sort(key=lambda dose: dose.start)

    # medicines named together ("took tylenol and 2 advil at 6") share the verb and the time
    groups: list[list[tuple[_Dose, datetime | None]]] = []
    previous: _Dose | None = None
    for dose in found:
        sentence = message.sentence_of(dose.start, dose.end)
        own_time = message.time_in(dose.clause, now, local_tz)
        if previous is not None and _joined_to(text, previous, dose, sentence):
            groups[-1].append((dose, own_time))
        elif _is_taken(message, dose, sentence, own_time, now):
            groups.append([(dose, own_time)])
        else:
            previous = None
            continue
        previous = dose

    mentions: dict[tuple[FeverReducer, datetime], FeverReducerMention] = {}
    for group in groups:
        shared_time = next((when for _, when in group if when is not None), now)
        for dose, own_time in group:
            # "ibuprofen every 8 hrs for the Neulasta pain": a schedule, not one dose 8 h ago
            scheduled = _SCHEDULED.search(text, *message.sentence_of(dose.start, dose.end))
            taken_at = own_time if own_time is not None else shared_time
            if scheduled and _SCHEDULE_INTERVAL.search(
                text, *message.sentence_of(dose.start, dose.end)
            ):
                taken_at = now
            mentions.setdefault(
                (dose.medicine, taken_at),
                FeverReducerMention(
                    medicine=dose.medicine,
                    raw=_raw(text[dose.start : dose.end]),
                    taken_at=taken_at,
                    scheduled=scheduled is not None,
                ),
            )
    return tuple(mentions.values())


def _is_taken(
    message: _Message,
    dose: _Dose,
    sentence: tuple[int, int],
    own_time: datetime | None,
    now: datetime,
) -> bool:
    text = message.text
    clause_start, clause_end = dose.clause
    before_words = text[max(clause_start, dose.start - 200) : dose.start].split()
    before = " ".join(before_words[-_DOSE_WORDS:])
    after = text[dose.end : clause_end]
    if _ASKING.search(before) or _is_negated(before):
        return False
    if _HYPOTHETICAL_DOSE.search(
        text, max(sentence[0], dose.start - _HYPOTHETICAL_CHARS), dose.start
    ):
        return False
    taken_word = _last(_TAKEN, before)
    dose_after = _DOSE_AFTER.search(" ".join(after.split()[:4])) is not None or (
        own_time is not None and own_time < now
    )
    is_question = "?" in text[sentence[0] : sentence[1] + 1]
    if taken_word is None:
        # "2 panadol", "Tylenol 500mg": the answer to "have you taken anything for the fever?"
        named_alone = _QUANTITY.fullmatch(text, clause_start, dose.start) is not None and (
            _QUANTITY.fullmatch(text, dose.end, clause_end) is not None
        )
        return (dose_after or named_alone) and not is_question
    # "taking tylenol is ok?" asks about it; "took tylenol, is that ok?" reports it
    asks_about_it = is_question and _PRESENT_TENSE_TAKING.fullmatch(taken_word) is not None
    return dose_after or not asks_about_it


def _joined_to(text: str, earlier: _Dose, later: _Dose, sentence: tuple[int, int]) -> bool:
    if not sentence[0] <= earlier.start:
        return False
    return _MEDICINE_JOINER.fullmatch(text, earlier.end, later.start) is not None


def _last(pattern: re.Pattern[str], text: str) -> str | None:
    last = None
    for match in pattern.finditer(text):
        last = match.group(0)
    return " ".join(last.lower().split()) if last is not None else None


# --- "nothing else" and a caregiver's worry ----------------------------------------------------


def _says_no_symptoms(message: _Message) -> bool:
    text = message.text
    if len(text) <= _BARE_NO_MAX_CHARS and _BARE_NO.fullmatch(text):
        return True
    return _found_unnegated(message, _NO_SYMPTOMS)


def _has_caregiver_concern(message: _Message) -> bool:
    return _found_unnegated(message, _CAREGIVER_CONCERN)


def _found_unnegated(message: _Message, pattern: re.Pattern[str]) -> bool:
    text = message.text
    return any(
        not _is_negated(text[clause[0] : start]) for start, _, clause in message.matches(pattern)
    )
