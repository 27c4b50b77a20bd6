"""Ledes stage: each article's own lede, boilerplate-free, cut only at sentence ends (the teasers)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from digest.config import TeaserConfig
from digest.models import Article, Problem, Teaser
from digest.sentences import (
    CLOSERS,
    ELLIPSIS,
    FINAL_END,
    LEAD_IN,
    cut_at_sentence,
    sentence_ends,
    to_sentence_end,
    without_trailing_symbols,
)
from digest.words import count_words


def _patterns(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((reason, re.compile(pattern)) for reason, pattern in pairs)


# A sentence of eight words or more that ends after a word: prose, not a label that opens with the same
# word ("Updated guidance from the CDC says …", "Credit card debt hit a record …").
_SENTENCE = f"(?=(?:\\S+\\s+){{7,}}\\S)(?s:.*[^\\W\\d_]{{2}}[.!?][{CLOSERS}]*$)"
# The site speaking to its reader: what a cookie banner or an affiliate disclosure does, and news does not.
_TO_READER = r"\b(?:we|we're|our|us|you|your|this (?:site|website|page))\b"
# A sentence's end after a word (not an initial, as in "Jo D."): what a credit or byline line lacks.
_PROSE_END = f"(?s:.*\\w\\w[.!?][{CLOSERS}]*$)"
# Paragraphs that are page furniture, not the author's text. Each pattern names why it is dropped.
# Several apply only to short paragraphs ((?=.{0,N}$)), because prose can use the same words.
_BOILERPLATE = _patterns(
    ("image credit", r"(?i)^(?:top\s+)?(?:image|photo|picture|illustration)?\s*credits?\s*:"),
    (
        "image credit",
        r"(?i)^\(?(?:top |all |main |lead )?"
        r"(?:photo(?:graph)?(?:[\s-]illustration)?|illustration|image|picture|video|bild|foto|graphic)s?"
        r"\s*(?:credits?\s*)?(?:by\b|:)",
    ),
    ("image credit", rf"(?i)^(?!{_SENTENCE})credits?\b(?=.{{0,150}}$)"),
    # "Reuters/Jane Doe", "AP Photo/Evan Vucci, File": never a sentence ("Reuters has learned that …").
    ("image credit", rf"(?i)^(?!{_PROSE_END})\(?(?:getty images|ap photo|reuters|afp|epa)\b.{{0,80}}$"),
    ("image credit", r"(?i)\((?:getty images|ap photo[^)]*|reuters|afp via getty images)\)$"),
    # "... on Tuesday. Photo: Jane Doe" or "(Source: Supplied)" at the end of a caption
    ("image credit", r"(?i)\b(?:photo|image|picture|credit|source|bild|foto)s?\s*:\s*[^.!?:]{2,60}\)?$"),
    # ... or a line of its own that says so, with a full stop: "Image source: Getty Images."
    ("image credit", r"(?i)^(?:photo|image|picture)\s+(?:source|credit)s?\s*:\s*[^.!?:]{2,60}\.$"),
    (
        "image credit",
        r"(?i)(?:getty images|shutterstock|istock(?:photo)?|alamy|/\s*(?:ap|afp|reuters|epa))\s*\)?$",
    ),
    # Chinese captions: "pictured:", "caption:", "image source"
    ("image credit", "^(?:\u56fe\u4e3a|\u56fe\u6ce8|\u56fe\u7247|\u56fe\uff1a|\uff08\u56fe|\\(\u56fe)"),
    ("copyright notice", r"(?i)all rights reserved"),
    (
        "copyright notice",
        rf"(?i)^(?!{_SENTENCE})(?:©|\(c\)\s|copyright\b)|^(?!{_SENTENCE})(?=.{{0,200}}$).*©",
    ),
    ("byline", r"^[Bb]y\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:,\s*[A-Z][\w ]{0,40})?$"),
    ("byline", r"(?i)^(?:(?:posted|written|reported|words|text|story)\s+)?by\s+[A-Z][^.!?]{0,80}$"),
    ("byline", r"^(?:[Pp]or|[Pp]ar|[Vv]on|[Dd]oor|[Aa]utor|[Aa]uthor)\s*:?\s+[A-Z][^.!?]{0,60}$"),
    # "Tuesday 15 May by Jo Doe", never a sentence ("The bill was signed by President Biden.")
    ("byline", rf"^(?!{_PROSE_END})[^.!?]{{0,60}}\bby\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){{0,3}}$"),
    # … unless it says who made the page, a sentence or not ("… is written and produced by Jo Doe.")
    (
        "byline",
        r"^(?:[^.!?]{0,60}\b(?:written|produced|edited|reported|compiled|illustrated|photographed|designed"
        r"|hosted|created|curated|maintained|translated|narrated|presented)"
        r"|(?:[Pp]osted|[Pp]ublished|[Ss]ubmitted|[Ff]iled)\b[^.!?]{0,60})"  # "Posted on Tuesday … by"
        r"\s+by\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}$",
    ),
    (
        "byline",
        r"^[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3},\s+(?:AP|Associated Press|Reuters|AFP)\b[^.!?]{0,40}$",
    ),
    # The author's line with a word about them: "By Jo Doe, a deputy editor and the author of …"
    (
        "byline",
        r"^[Bb]y\s+[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+){1,3},\s+(?:a|an|the|our)\s+(?:[\w-]+\s+){0,3}"
        r"(?:editor|reporter|writer|correspondent|columnist|contributor|journalist|producer|critic"
        r"|author|host|fellow|professor|analyst)s?\b",
    ),
    (
        "timestamp",
        # ... the article's own ("Article mis à jour le 7 janvier 2020.", "Artikel aktualisiert am …")
        rf"(?i)^(?!{_SENTENCE})(?:(?:article|post|story|artikel|beitrag|art[ií]culo|articolo|artigo)\s+)?"
        r"(?:updated|published|posted|last updated|modified|aktualisiert|mis à jour"
        r"|atualizado|actualizado)\b(?=.{0,100}$)",
    ),
    ("timestamp", r"(?i)^\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?=.{0,60}$)"),
    (
        "reading time",
        rf"(?i)^(?!{_SENTENCE}).*\b\d+\s*(?:-|\s)?min(?:ute)?s?\.?\s+"
        r"(?:read|de lecture|de leitura|de lectura|lesezeit)\b"
        r"|^(?:reading time|lesezeit|temps de lecture|tiempo de lectura|tempo de leitura)\b",
    ),
    (
        "subscribe prompt",
        # Addressed to the reader: a sentence that opens with the verb ("Sign up, it unlocks …",
        # "… | Sign up"), or the inbox; not "Netflix will let users subscribe to a cheaper plan".
        r"(?i)^(?=.{0,300}$)(?:.*(?:^|[.!?:|\u2013\u2014]\s*|\[)"
        r"(?:subscribe|sign up|sign-up|signup|register"
        # a letters page's or a tip line's call ("Submit your letter to the editor via this form.")
        r"|submit (?:your|a) (?:letters?|tips?|stor(?:y|ies)|photos?|questions?|news)"
        # the same, in French, Spanish, German, Italian, Portuguese and Dutch
        r"|abonnez-vous|inscrivez-vous|suscr[ií]b(?:ete|ase)|reg[ií]str(?:ate|ese)|ap[uú]ntate|abonnieren sie"
        r"|registrieren sie sich|melden sie sich\b.{0,40}\ban|iscriviti|abbonati|registrati|assine\b"
        r"|inscreva-se|cadastre-se|abonneer|schrijf je in|meld je aan)\b"
        r"|.*\b(?:(?:in|to) your inbox|register for free|our newsletters?)\b"
        r"|.*\b(?:notre|nuestro|nuestra|unseren?|nostra|nossa|onze) (?:\w+ )?(?:newsletters?|infolettre"
        r"|bolet[ií]n)\b"
        r"|.*\b(?:consider becoming an? (?:free or paid |paid or free |free |paid )?"
        r"|becom(?:e|ing) an? (?:free or paid|paid or free|free|paid) )subscriber\b)",
    ),
    ("share prompt", r"(?i)^(?:share(?: this\b| on\b| via\b|:|$)|follow us\b|tweet this\b)"),
    (
        "related links",
        r"(?i)^(?:related|read more|see also|more on this|recommended|also read|read also|more from|watch"
        r"|listen|lire aussi|à lire aussi|a lire aussi|à voir aussi|leia (?:mais|também)|veja também"
        r"|le[ea] también|ver también|mira también|(?:también )?(?:te|le) puede interesar|voir aussi"
        r"|(?:à )?lire également|mehr zum thema|lesen sie (?:auch|mehr)|auch interessant"
        r"|das könnte sie (?:auch )?interessieren|leggi anche|potrebbe interessarti|lees ook|zie ook"
        r"|czytaj (?:też|także|również)|läs (?:också|mer)|l[eæ]s også"
        # Russian, Ukrainian, Turkish, Arabic, Chinese, Japanese, Korean
        r"|читайте (?:также|еще|ещё)|смотрите также|см\. также|читайте також"
        "|ayr\u0131ca (?:okuyun|bak\u0131n\u0131z)"
        "|\u0627\u0642\u0631\u0623 (?:\u0623\u064a\u0636\u0627|\u0623\u064a\u0636\u064b\u0627"
        "|\u0627\u064a\u0636\u0627)"
        "|\u76f8\u5173\u9605\u8bfb|\u5ef6\u4f38\u9605\u8bfb|\u76f8\u5173\u65b0\u95fb|\u95a2\u9023\u8a18\u4e8b"
        "|\u3042\u308f\u305b\u3066\u8aad\u307f\u305f\u3044|\uad00\ub828\uae30\uc0ac)"
        "\\s*(?::|\uff1a|…|\\.\\.\\.|\\.?$)",
    ),
    (
        "continue reading",
        r"(?i)^(?:continue|keep) reading\b|^click here\b|^read the (?:full|rest)\b"
        # "To find an acting school near you, click here to search our database."; not a quoted
        # scam text ("'Click here to claim your prize', the message said").
        "|^(?=.{0,250}$)(?!.*(?:[\"\u201c\u2018]|(?:^|\\s)'))"
        r".{0,150}[,:;]\s*click here\b"
        # "To continue reading, sign in …", "Sign in to continue reading", "Log in or create a free
        # account to keep reading"; not "To continue reading the report, one needs patience."
        r"|^to (?:continue|keep) reading(?: this (?:article|story))?"
        r"(?:,|\s+(?:you|please|sign|log|subscribe|register|create)\b)"
        r"|^(?=.{0,150}$)(?:sign|log) ?in\b[^.!?]{0,60}\bto (?:continue|keep) reading\b"
        r"|^(?=.{0,60}$)(?:you can )?read (?:more|it|the rest|the full \w+) here\b"
        r"|^(?=.{0,80}$)(?:the )?(?:article|story|text) continues (?:below|after)\b"
        r"|^(?=.{0,150}$)(?:pour (?:lire|continuer) la suite|um weiterzulesen|para (?:seguir|continuar)"
        r" (?:leyendo|lendo)|per continuare a leggere)\b",
    ),
    (
        "advertisement",
        r"(?i)^(?:advertisement|advertising|sponsored(?: content| post)?|supported by|ad|anzeige|werbung"
        r"|publicité|publicidad|paid (?:post|content|partnership)|partner content)[.:]?$",
    ),
    # The site speaking to its reader ("We use cookies to give you …"), not a story about cookies.
    (
        "cookie notice",
        rf"(?i)^(?=.*{_TO_READER})(?=.{{0,600}}$)(?:.*\bcookies?\b.{{0,120}}\b(?:agree|consent|accept|experience)"
        r"|.*\b(?:agree|consent|accept)\b.{0,120}\bcookies?\b"
        # "We use cookies and data to …", "This site uses cookies …": said of the site by the site.
        r"|(?:we(?: and our (?:\w+ ){0,2}partners)?|this (?:site|website)|our (?:site|website)s?) "
        r"(?:use|uses|store|set|place) cookies\b)",
    ),
    (
        "cookie notice",
        # the site's "We use cookies" in German, French, Spanish, Portuguese, Italian and Dutch
        r"(?i)^(?=.{0,600}$)(?:wir (?:verwenden|nutzen)|diese (?:web)?seite (?:verwendet|nutzt)"
        r"|nous utilisons|ce site (?:web )?utilise|utilizamos|usamos"
        r"|este (?:sitio|site)(?: web)? (?:utiliza|usa)|utilizziamo|questo sito (?:web )?utilizza"
        r"|wij gebruiken|deze (?:web)?site gebruikt)"
        r"\s+(?:[\w-]+\s+){0,3}cookies?\b",
    ),
    # The site asking its reader to change browsers ("You are using an outdated browser. Please
    # upgrade …", "Lade für ein besseres Erlebnis einen neueren Browser … herunter"); not a story
    # about browsers, which is longer than a notice.
    (
        "page notice",
        r"(?i)^(?=.{0,300}$)(?:.*\b(?:update|upgrade|download|install|switch to|use|lade|installiere|nutze"
        r"|aktualisiere)\b.{0,60}\b(?:(?:a |an |einen )?(?:newer|modern|supported|current|neueren|modernen"
        r"|aktuellen) )browser\b"
        r"|.*\b(?:outdated|unsupported|old|veralteten?|nicht unterst\u00fctzten?) browser\b)",
    ),
    # "Comments that are off-topic will not be approved by the moderator", "Comments are closed.";
    # not "The senator's comments, later approved by the party, …".
    (
        "comment notice",
        r"(?i)^(?=.{0,400}$).*\bcomments?\b.{0,200}(?:\b(?:will|would) not be (?:approved|published)"
        r"|\b(?:awaiting|subject to|pending) moderation|\b(?:are|is) (?:moderated|closed)|\bhave been closed"
        r"|\bmoderators?\b)",
    ),
    (
        "legal notice",
        r"(?i)for your personal,? non-commercial use"
        r"|\bour (?:privacy|cookie|data protection) (?:policy|notice)\b"
        rf"|^(?=.*{_TO_READER}).*(?:\b(?:may|might) (?:earn|receive) (?:a )?(?:small )?"
        r"(?:commission|revenue|share of sales)|\baffiliate (?:links?|commissions?|programs?)\b"
        # "We may receive compensation when you click on links to those products.": paid for the
        # reader's click, not a story's compensation ("you may receive compensation of up to 600 euros")
        r"|\b(?:may|might) (?:receive compensation|be compensated) (?:when|if) you"
        r" (?:click|buy|shop|purchase)\b)"
        # "This post may contain affiliate links.": the page's disclosure, said of itself
        r"|\b(?:this|the) (?:post|article|story|page|review|guide|video|site|website) (?:may )?contains?"
        r" (?:\w+ )?affiliate links?\b|\bas an amazon associate\b",
    ),
    # The site asking its reader for money ("Our journalism needs your support."), not a story about a
    # fundraiser ("The charity asked residents to donate blankets.").
    (
        "support appeal",
        r"(?i)^(?=.{0,400}$)(?:(?:please )?support (?:independent|local|quality) journalism\b"
        r"|.*(?:\b(?:support|fund|sustain)\w*\s+(?:our|my|this)\s+(?:[\w-]+\s+){0,2}"
        r"(?:journalism|reporting|newsroom|work|site|publication|newsletter)\b"
        r"|\bour (?:[\w-]+ )?(?:journalism|reporting|work)"
        r" (?:needs|relies on|depends on|is (?:funded|made possible) by) (?:your|readers|you\b)"
        r"|\b(?:become|becoming) a (?:paying |monthly )?(?:member|supporter|patron)\b.{0,80}\b(?:us|our)\b"
        r"|\b(?:donate|contribute|give) (?:now|today)\b.{0,40}$))",
    ),
    # The site asking its readers for their material: "Are you in the grips of the wintry storm? Please
    # share your videos, pictures and stories at iReport.", "Send us your photos"; said to the reader,
    # never of someone in the story ("Police asked residents to share their videos").
    (
        "contribution request",
        r"(?i)^(?=.{0,300}$)(?:[^.!?]*[.!?]\s+)?(?:please )?(?:share|send|submit|upload|email) (?:us )?"
        r"(?:your|some of your) (?:[\w-]+ ){0,2}(?:photos?|pictures?|videos?|stories|images?|tips?)\b",
    ),
    # A reviewer's disclosure of the copy they were sent: "Vielen Dank an den Verlag für die
    # Bereitstellung des Rezensionsexemplares." (affiliate links are a legal notice, below)
    (
        "disclosure",
        r"(?i)^(?=.{0,400}$).*\b(?:review (?:copy|sample)|rezensionsexemplar\w*|presseexemplar\w*)\b",
    ),
    # A paywall's welcome, with its pitch after it: "You're reading a free article with opinions that
    # may differ from … Become a member today to get instant access …"
    (
        "page notice",
        r"(?i)^(?=.{0,400}$)you(?:'re|\u2019re| are) reading (?:a|your|this) (?:\w+ )?free"
        r" (?:article|story)\b",
    ),
    # What a podcast's host appends to every episode's notes: never what the episode is about.
    (
        "podcast host notice",
        r"(?i)^(?=.{0,300}$)(?:hosted (?:on|by) \S+.{0,60}\bsee\b|learn more about your ad[- ]?choices\b"
        r"|see \S+\.\w{2,6}/\S* for (?:\w+ )?(?:privacy )?information\b|support this (?:podcast|show)\s*:)",
    ),
    # What the site says about the page: never the story ("This is a developing story.").
    (
        "page notice",
        r"(?i)^(?=.{0,200}$)(?:(?:please |you (?:need|have|must) to )?(?:enable|turn on|activate|allow)"
        r" (?:javascript|js)\b|(?:your )?javascript (?:is|has been|seems to be) (?:disabled|turned off)\b"
        r"|(?:javascript (?:is|must be) (?:required|enabled)|(?:this|the) (?:site|website|page|app)"
        r" (?:requires|needs) javascript)(?: (?:to|for|in) [^.!?]{0,60})?[.!]?$"
        r"|loading\W*(?:please wait\W*)?$"
        # a player's or a frame's fallback: "This video is not supported by your device.", "Your
        # browser does not support the video tag."
        r"|(?:this|the) (?:video|audio|content|media|player|feature) (?:is not|isn['\u2019]t)"
        r" (?:supported|available) (?:by|on|in) (?:your|this) (?:device|browser)\b"
        r"|your (?:device|browser) (?:does not|doesn['\u2019]t) support\b"
        r"|listen to this (?:article|story)\b"
        r"|(?:download|get|install) (?:the|our) (?:[\w'\u2019-]+ ){0,3}app"
        r"(?:\s+(?:for|on|to)\b[^.!?]{0,60})?[.!]?$"
        r"|already a (?:subscriber|member)\b"
        # "This content is sponsored by …": the site's disclosure, not the article (a sentence about
        # someone else's sponsor names them first: "The race is sponsored by …").
        r"|this (?:content|article|post|story|series|newsletter|podcast|episode) (?:is|was)"
        r" (?:sponsored|paid for|presented|brought to you|supported) by\b"
        r"|you(?:'ve| have) reached (?:your|the) (?:\w+ )?(?:limit|maximum)\b"
        # a share box's "Copy and paste the following code to link back to this work"
        r"|copy and paste (?:the|this) (?:following )?(?:code|html|link|url)\b"
        # a paywall's meter: "You have 3 free articles remaining", "This is your last free story."
        r"|you have (?:\d+|one|two|three|no) (?:more )?free (?:articles?|stories|story|reads?)\b"
        r"|this is your (?:last|final|\w+) free (?:article|story)\b"
        r"|this (?:article|story|content) is (?:only )?(?:for|available to|reserved for)"
        r" (?:subscribers|members)\b"
        r"|(?:cet article|ce contenu) est r[ée]serv[ée] aux abonn[ée]s\b"
        r"|dieser (?:artikel|beitrag|inhalt) ist (?:nur |exklusiv )?f[üu]r abonnent(?:en|innen)\b"
        r"|(?:este|el) (?:art[ií]culo|contenido|conte[uú]do) [eé] (?:exclusiv[oa]|reservad[oa]) (?:para|a)"
        r" (?:suscriptores|assinantes)\b"
        r"|(?:este|el) (?:art[ií]culo|contenido) es (?:exclusivo|solo) para suscriptores\b"
        r"|questo (?:articolo|contenuto) [èe] riservato agli abbonati\b"
        r"|sie haben (?:\d+|noch \d+) kostenlose artikel\b"
        r"|(?:this is a )?(?:developing|breaking)(?: news)? story\b|this story (?:is developing|is breaking"
        r"|will be updated|has been updated|may be updated)\b|breaking(?: news)?[.:!]?$"
        # An editor's note on the page itself, before the story: "Update, Nov 30: This story has been
        # updated …", "Correction: An earlier version of this article misstated …"
        r"|(?:update[ds]?|correction|clarification|editor['\u2019]?s note)\b"
        r"(?:[^:!?]|(?<=\d):(?=\d)){0,40}:\s*"  # a date and time before the colon: "Nov. 30, 3:15 p.m."
        r"(?:this (?:story|article|post|report)\b|an? (?:earlier|previous) version\b"
        # a series' note: "Editor's note: This continues a series where we review the top 20 drivers"
        r"|this (?:continues|is (?:part|the \w+ (?:part|instal?lment)) of) (?:a|an|our|the)\b)"
        r"|this (?:story|article|post) is (?:the \w+ )?(?:part|instal?lment|chapter) of\b"
        # a wire story's note on its new version, in brackets above it: "(Corrects 10th paragraph to
        # show the console is from Nintendo)", "(Updates with closing prices)", "(Adds analyst quote)"
        r"|\((?:corrects|updates|adds|recasts|refiles|fixes|changes|removes|clarifies|amends|rewrites"
        r"|deletes|inserts|republishes)\b[^()]{0,180}\)\.?$"
        # a date line set as a paragraph: "Updated August 02, 2014. Written or reviewed by …"
        r"|(?:last )?updated:?\s+(?:on\s+)?(?:[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
        r"|\d{1,2}\.?\s+[a-z]{3,9}\.?\s+\d{4}|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{2,4})\b"
        # a round-up's line about itself: "FA Insights is a daily newsletter from Business Insider …"
        r"|[^.!?]{0,60}\bis (?:a|our) (?:free )?(?:daily|weekly|monthly) newsletter (?:from|by)\b"
        r"|(?:topics?|tags?|filed under|categories|category|posted in|themen)\s*:"
        r"|(?:read (?:this|it|the (?:story|article))? ?in|leer en|lire en|leia em|leggi in) [^\W\d_]+\.?$)",
    ),
)
_DASHES = "\u2014\u2013-"
# A dateline on its own line ("WASHINGTON (AP) —") opens the paragraph after it.
_DATELINE = re.compile(
    rf"^[A-ZÀ-Þ][A-ZÀ-Þ.' \u2019-]{{1,40}}(?:,\s*[\w.' ]{{1,30}})?"  # PLACE, Region
    rf"(?:\s*\([^)]{{1,30}}\))?\s*[{_DASHES}]{{1,2}}$"  # (Agency) —
    # "Marseille (AFP) -", "Hamburg (dpa) -": a place as it is written, then the agency in brackets.
    rf"|^[A-ZÀ-Þ][\w.' \u2019-]{{1,40}}(?:,\s*[\w.' ]{{1,30}})?\s*\([^)]{{1,30}}\)\s*[{_DASHES}]{{1,2}}$"
    # "Düsseldorf -", "Bad Homburg -": a German paper's place line ("Ortsmarke") in a box of its own
    rf"|^[A-ZÀ-Þ][\w.'\u2019/-]{{1,30}}(?: [\w.'\u2019/-]{{1,20}}){{0,2}} [{_DASHES}]{{1,2}}$"
)
_MIN_FRAGMENT_WORDS = 8


def ledes(articles: Sequence[Article], settings: TeaserConfig) -> list[Teaser]:
    """Write a "keep reading" teaser for each article, learning site boilerplate from all of them."""
    repeated = _repeated_paragraphs(articles)
    return [teaser(article, settings, repeated) for article in articles]


def teaser(article: Article, settings: TeaserConfig, repeated: frozenset[str] = frozenset()) -> Teaser:
    """Write one article's teaser: its first real paragraphs within the word budget."""
    budget = settings.max_words
    kept, dropped = _body_paragraphs(article, article.paragraphs, repeated, budget, article.summary)
    if not kept:  # nothing (or nothing but furniture) from the page or feed: the summary stands in
        summary = _split_summary(article.summary)
        kept, from_summary = _body_paragraphs(article, summary, repeated, budget)
        dropped += from_summary
        standfirst = "" if kept else _standfirst(article, summary, repeated, budget)
        if standfirst:
            kept = [standfirst]
            dropped = [d for d in dropped if d.source != standfirst]
    paragraphs, truncated = pick_lede(kept, settings.min_words, settings.max_words)
    return Teaser(
        url=article.url,
        # An untitled item (a short post, a note) is called by its first words, as feed readers do.
        title=article.title if article.title != article.url else _headline_from(paragraphs) or article.title,
        section=article.section,  # compose names the section (rename, URL rule, default)
        paragraphs=paragraphs,
        published=article.published,
        author=article.author,
        image_url=article.image_url,
        image_alt=article.image_alt or article.image_caption or article.title,
        image_credit=article.image_credit if article.image_url else "",
        truncated=truncated,
        dropped=tuple(dropped),
    )


# A summary line of fewer words (between spaces: a site's slogan in Japanese has none) is a label or
# a slogan, not what one article is about.
_STANDFIRST_WORDS = 12
# How a summary that was cut to a length ends: an ellipsis ("…", "[…]"), a comma, colon or dash, or
# a word that never ends an English line ("… from mass retreats in America to").
_CUT_END = re.compile(
    "(?:\u2026|\\.\\.\\.|[,;:\u2013\u2014-])[\\]\\s]*$"
    r"|\b(?i:the|a|an|and|or|but|of|to|in|on|for|with|at|by|from|that|which|who|is|are|was|were)$"
)


def _standfirst(article: Article, summary: Sequence[str], repeated: frozenset[str], budget: int) -> str:
    """The summary's first paragraph when it is a standfirst, the item's whole summary line; else "".

    Publishers write one line under a headline without a full stop ("Everything you need to know
    about the inquiry, plus the latest news"), and many feeds carry nothing else: whole, as written,
    it is the teaser rather than none. Never a cut one, a label, furniture, the title again, or a
    line that starts mid-sentence.
    """
    text = summary[0].strip() if summary else ""
    if not _STANDFIRST_WORDS <= len(text.split()) <= budget or _CUT_END.search(text) or text[0].islower():
        return ""
    if boilerplate_reason(text) is not None or _key(text) in repeated:
        return ""
    echoes = (article.title, article.image_caption, article.image_credit)
    return "" if any(_echoes(text, echo) for echo in echoes if echo) else text


def _headline_from(paragraphs: Sequence[str]) -> str:
    """The first sentence of a teaser, its first words when it is long: a headline for an untitled item."""
    if not paragraphs:
        return ""
    text = paragraphs[0].removesuffix(ELLIPSIS).strip()
    ends = sentence_ends(text)
    first = text[: ends[0]] if ends else text
    if count_words(first) <= _HEADLINE_WORDS:
        return first
    words = first.split()
    if len(words) > 1:
        return f"{' '.join(words[: _HEADLINE_WORDS - 2])} {ELLIPSIS}"
    cut = _HEADLINE_WORDS * 2  # characters: Chinese and Japanese count a word a character
    return first if len(first) <= cut else f"{first[:cut]}{ELLIPSIS}"


_HEADLINE_WORDS = 12


def _split_summary(summary: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n\s*\n", summary) if p.strip())


def _body_paragraphs(
    article: Article, candidates: Sequence[str], repeated: frozenset[str], budget: int, summary: str = ""
) -> tuple[list[str], list[Problem]]:
    """The paragraphs that are body text, and why the others are not, as far as the budget can reach.

    A paragraph that is the ``summary`` word for word and ends without a sentence end is the
    standfirst the page shows under its headline ("… wie ein Besuch auf dem Großmarkt zeigt"), set
    as a paragraph: a lede ends its sentence, and when it is the page's description it is kept.

    Only what the teaser can use is looked at: each paragraph up to a length that holds ``budget``
    words many times over, and paragraphs until ``budget`` words are kept (pick_lede takes whole
    paragraphs in order, so nothing after that point can enter it), among the first _MAX_EXAMINED.
    A 5 MB page costs its parse only.
    """
    kept: list[str] = []
    dropped: list[Problem] = []
    words = 0
    lead_in = ""  # a paragraph that ends in a colon, waiting for what it introduces
    echoes = [t for t in (article.title, article.image_caption, article.image_credit) if t]
    summary_key = _key(summary) if summary else ""  # a description of 5,000 characters, keyed once
    joined = join_datelines(candidates[:_MAX_EXAMINED])
    for index, whole in enumerate(joined):
        if words >= budget:
            break
        text = _bounded(whole, budget)
        reason = boilerplate_reason(text)
        if reason is None and not kept and _an_epigraph(text, joined[index + 1 : index + 2]):
            reason = "an epigraph: a quotation and its author, set before the text"
        if reason is None and any(_echoes(text, echo) for echo in echoes):
            reason = "repeats the title or image caption"
        if reason is None and _key(text) in repeated:
            reason = "repeats on other pages of the site"
        if reason is None and _is_standfirst(text, summary_key):
            reason = "the page's summary line, not its text"
        sentences = to_sentence_end(text) if reason is None else ""
        if reason is None and not sentences and LEAD_IN.search(text):
            lead_in = text.rstrip()
            continue
        if reason is None and not sentences:
            reason = "no full sentence"
        if lead_in and reason and not kept and count_words(lead_in) >= _MIN_FRAGMENT_WORDS:
            # The article opens by introducing code, a list or an embed: its opening words still
            # start the teaser, the colon standing for what it introduced, rather than a line of
            # the article's middle ("Can you spot the bug?").
            kept.append(f"{lead_in[:-1].rstrip()} {ELLIPSIS}")
            words += count_words(lead_in)
        elif lead_in and reason:
            dropped.append(Problem(lead_in, "introduces a paragraph that is not body text"))
        if reason:
            dropped.append(Problem(text, reason))
        else:
            sentences = f"{lead_in} {sentences}" if lead_in else sentences
            kept.append(sentences)
            words += count_words(sentences)
        lead_in = ""
    if lead_in:
        dropped.append(Problem(lead_in, "no full sentence"))
    return kept, dropped


_MAX_EXAMINED = 200  # paragraphs: a lede is never further down a page than this
_CHARS_PER_WORD = 30  # far more than any language needs: a paragraph cut here still holds the budget


def _bounded(text: str, budget: int) -> str:
    """A paragraph no longer than the teaser could ever use, cut at a space."""
    limit = max(budget * _CHARS_PER_WORD, 2_000)
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def join_datelines(paragraphs: Sequence[str]) -> list[str]:
    """Join a dateline that a site put on its own line ("WASHINGTON (AP) —") to the next paragraph, and
    a paragraph that stops at a comma to the one that goes on with its sentence."""
    joined: list[str] = []
    pending = ""
    for text in paragraphs:
        if _DATELINE.match(text.strip()) or _BROKEN_OFF.search(text):
            pending = f"{pending} {text.strip()}".strip()
            continue
        joined.append(f"{pending} {text}" if pending else text)
        pending = ""
    return joined + ([pending] if pending else [])


# A paragraph of prose that ends at a comma: its sentence goes on in the next ("… bald ist hier alles in
# amerikanischer und chinesischer Hand,"), as an editor's stray line break left it; a list's short
# items end in commas too, and stay apart.
_BROKEN_OFF = re.compile(r"^(?=(?:\S+\s+){9,}\S)(?s:.*[^\W\d_],)$")


def boilerplate_reason(text: str) -> str | None:
    """Why a paragraph is not body text, or None when it is."""
    for reason, pattern in _BOILERPLATE:
        if pattern.search(text):
            return reason
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return "all-caps label"
    if _opens_with_a_menu(text):
        return "menu"
    if _LENTICULAR_LABEL.fullmatch(text.strip()):
        return "a label in lenticular brackets"
    # A short line that starts mid-sentence ("that said...") or never ends one; "iPhone sales fell."
    # starts with a name written in lower case, and is a sentence.
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if count_words(text) < _MIN_FRAGMENT_WORDS and (
        first.islower() or not FINAL_END.search(without_trailing_symbols(text))
    ):
        return "short fragment"
    return None


# A paragraph wholly in lenticular brackets is a label or a notice in Chinese and Japanese, never
# running text: "【PR】", "【お知らせ】", "【Xonsh Advent Calendar 2017の13日目の記事です。】".
_LENTICULAR_LABEL = re.compile("\u3010[^\u3010\u3011]{1,200}\u3011")
# A first sentence of this many words or more, nearly all of them capitalised, is a run of menu items
# read as one block ("Generation Y Entertainment Politik Lifestyle Mehr Anmelden …"): prose capitalises
# a third of its words at most, even in German.
_MENU_WORDS = 25
_MENU_CAPITALISED = 0.7


def _opens_with_a_menu(text: str) -> bool:
    """Whether a paragraph's first sentence is a long run of capitalised words: a menu, not prose."""
    ends = sentence_ends(text)
    words = text[: ends[0]].split() if ends else text.split()
    if len(words) < _MENU_WORDS:
        return False
    cased = [w for w in words if w[0].isalpha() and w[0].lower() != w[0].upper()]
    if len(cased) < _MENU_WORDS:
        return False  # a script without case (Chinese, Thai, Arabic) says nothing here
    return sum(w[0].isupper() for w in cased) >= _MENU_CAPITALISED * len(cased)


def _an_epigraph(text: str, after: Sequence[str]) -> bool:
    """Whether an opening paragraph is a quotation with its author's name after it, on a line of its
    own ("I've never seen any life transformation \u2026" | "\u2014Elizabeth Gilbert") or after its last
    sentence's end ("\u2026 any time.\u201d \u2014 Jo Doe"): an essay's epigraph, not its first words."""
    if after and _ATTRIBUTION.fullmatch(after[0].strip()) and count_words(after[0]) <= _NAME_WORDS:
        return bool(to_sentence_end(text))
    signed = _ATTRIBUTED.search(text)
    return signed is not None and count_words(signed.group(1)) <= _NAME_WORDS


# "\u2014Elizabeth Gilbert", "\u2014 Seneca, Letters": a dash and a name of a few words, no sentence of
# its own, no label ("\u2014 Photo: Jo Doe" credits a picture).
_ATTRIBUTION = re.compile(rf"[{_DASHES}\u2015]{{1,2}} ?[^\W\d_][^.!?:]{{0,60}}")
_NAME_WORDS = 6
_ATTRIBUTED = re.compile(
    rf"[.!?][\"'\u201d\u2019]?\s*[{_DASHES}\u2015]{{1,2}} ?([^\W\d_][^.!?:{_DASHES}]{{0,60}})$"
)


def _is_standfirst(text: str, summary_key: str) -> bool:
    """Whether a paragraph is the summary word for word (its _key) and ends in a clause left open.

    Labels after a last sentence ("… 身に付けられます。 無料 お試し版": "free trial") are a shop's,
    shorter than a clause: the text before them is a product's description, which stays.
    """
    if not summary_key or _key(text) != summary_key:
        return False
    return count_words(text[len(to_sentence_end(text)) :]) >= _MIN_FRAGMENT_WORDS


def _echoes(text: str, other: str) -> bool:
    """A paragraph that repeats the headline or caption, word for word or nearly (a site suffix)."""
    mine, theirs = _key(text), _key(other)
    if mine == theirs:
        return True
    if count_words(text) > 40 or len(mine) < 20:
        return False
    return mine in theirs or SequenceMatcher(None, mine, theirs).ratio() >= 0.9


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _repeated_paragraphs(articles: Sequence[Article]) -> frozenset[str]:
    """Paragraphs that appear on several pages of the issue are the site's, not an author's."""
    if len(articles) < 3:
        return frozenset()
    # A summary counts too: a site's own description stands in for a page's when it has none.
    counts = Counter(
        key for a in articles for key in {_key(p) for p in (*a.paragraphs, *_split_summary(a.summary))}
    )
    threshold = max(3, len(articles) // 4)
    return frozenset(key for key, count in counts.items() if count >= threshold)


def pick_lede(paragraphs: Sequence[str], min_words: int, max_words: int) -> tuple[tuple[str, ...], bool]:
    """Whole paragraphs until min_words without passing max_words; else cut at a sentence end."""
    chosen: list[str] = []
    words = 0
    for paragraph in paragraphs:
        count = count_words(paragraph)
        if words + count <= max_words:
            chosen.append(paragraph)
            words += count
            if words >= min_words:
                break
            continue
        if not chosen:
            cut = cut_at_sentence(paragraph, max_words)
            return (cut,), cut != paragraph
        break
    return tuple(chosen), False
