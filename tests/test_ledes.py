"""The ledes stage: boilerplate out, the article's own lede in, cut only at real sentence ends."""

from __future__ import annotations

import asyncio
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from conftest import NOW, ROOT

from digest.collect import Window, collect
from digest.collect.fetch import Fetcher
from digest.config import MirrorConfig, SourceConfig, TeaserConfig
from digest.ledes import _an_epigraph, boilerplate_reason, join_datelines, ledes, pick_lede, teaser
from digest.models import Article
from digest.sentences import ELLIPSIS, cut_at_sentence, sentence_ends, to_sentence_end
from digest.words import count_words, estimated_words, latin_length

SETTINGS = TeaserConfig()
DEMO_ARTICLES = {
    a["slug"]: a for a in tomllib.loads((ROOT / "demo" / "articles.toml").read_text())["articles"]
}
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo")
SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*$")


def sentence(words: int, first: str = "Then") -> str:
    """A sentence of exactly ``words`` words, capitalised and ending with a full stop."""
    body = [first] + [WORDS[i % len(WORDS)] for i in range(words - 1)]
    return " ".join(body) + "."


def paragraph(*sizes: int) -> str:
    return " ".join(sentence(n) for n in sizes)


def words(text: str) -> int:
    return len(text.removesuffix(f" {ELLIPSIS}").split())


def article(*paragraphs: str, **fields: str) -> Article:
    values = {"url": "https://news.example/a", "title": "A headline about ferries", **fields}
    return Article(published=NOW, source="feed", paragraphs=paragraphs, **values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- boilerplate


# "Read also: the sea" (Arabic), and "Read also the book about the port, the author advises." (Russian).
READ_ALSO_AR = "\u0627\u0642\u0631\u0623 \u0623\u064a\u0636\u0627: \u0627\u0644\u0628\u062d\u0631"
READ_ALSO_RU_SENTENCE = (
    "\u0427\u0438\u0442\u0430\u0439\u0442\u0435 \u0442\u0430\u043a\u0436\u0435"
    " \u043a\u043d\u0438\u0433\u0443 \u043f\u0440\u043e \u043f\u043e\u0440\u0442,"
    " \u0441\u043e\u0432\u0435\u0442\u0443\u0435\u0442 \u0430\u0432\u0442\u043e\u0440."
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Top image credit: Ines Maraval for The Meridian", "image credit"),
        ("Image credit: Agence Example", "image credit"),
        ("Photo: Jane Doe/Reuters", "image credit"),
        ("Photograph by Jane Doe for The Meridian", "image credit"),
        ("Illustration by Kim Lee", "image credit"),
        ("(Getty Images)", "image credit"),
        ("AP Photo/John Smith", "image credit"),
        ("Protesters gather outside parliament in Vessna on Tuesday evening. (Getty Images)", "image credit"),
        ("By Jane Doe", "byline"),
        ("By Jane Doe, Europe correspondent", "byline"),
        (
            "Sign up for The Meridian's weekly newsletter to get our best stories every Friday.",
            "subscribe prompt",
        ),
        ("Subscribe to our newsletter for more stories like this one every week.", "subscribe prompt"),
        ("Share this article", "share prompt"),
        ("Share on Facebook", "share prompt"),
        ("Related: The night train to Vessna", "related links"),
        ("Read more: How lithium changed the towns of the salt flats", "related links"),
        ("Continue reading…", "continue reading"),
        ("Continue reading the main story", "continue reading"),
        ("Advertisement", "advertisement"),
        ("ADVERTISEMENT", "advertisement"),
        (
            "We use cookies to improve your experience. By continuing to browse you agree to our cookies.",
            "cookie notice",
        ),
        ("MOST READ", "all-caps label"),
        ("EUROPE", "all-caps label"),
        ("Listen to this article", "page notice"),
        ("Updated 3 hours ago", "timestamp"),
        ("Updated 1:39 am", "timestamp"),
        ("1:39 PM ET", "timestamp"),
        ("5 min read", "reading time"),
        ("Credit Ashraf Shazly/Agence France-Presse — Getty Images", "image credit"),
        ("JIM WATSON/AFP/Getty Images", "image credit"),
        ("(All photos: Atlas staff)", "image credit"),
        (
            "A new bill would require providers to store metadata for two years. Source: Supplied",
            "image credit",
        ),
        (
            "\u56fe\u4e3a\u9a6c\u7d20\u6e58\u5728\u6089\u5c3c\u6e38\u73a9\u65f6\u7684\u8fd1\u5f71\u3002",
            "image credit",
        ),
        ("© Provided by Business Insider Inc", "copyright notice"),
        ("Copyright © 1998 - 2016 Tencent. All Rights Reserved", "copyright notice"),
        ("Jane Doe, AP Writer", "byline"),
        ("Posted by Andrew Hayden, Software Engineer on Google Play", "byline"),
        ("Tuesday 15 October 2019 by Bradley M. Kuhn", "byline"),
        ("The Courier is written and produced by Jane Doe.", "byline"),
        ("The Courier's website is hosted by Example Hosting.", "byline"),
        ("Reuters/Kevin Lamarque", "image credit"),
        ("Posted on Tuesday 15 October 2019 at 09:11 by Jane M. Doe.", "byline"),
        ("Last updated 3 hours ago.", "timestamp"),
        ("Sign up for our newsletter to get the latest news delivered to your inbox.", "subscribe prompt"),
        ("Not a member of the Courier yet? Sign up, it unlocks many features!", "subscribe prompt"),
        ("Ferry strike ends after three days | Subscribe", "subscribe prompt"),
        (
            "Submit your letter to the editor via this form. Read more Letters to the Editor.",
            "subscribe prompt",
        ),
        ("Got a story from the quay? Submit a tip to the newsroom.", "subscribe prompt"),
        (
            "This site uses cookies. By continuing to browse you are agreeing to our use of cookies.",
            "cookie notice",
        ),
        ("Your comment is awaiting moderation.", "comment notice"),
        (
            "This post contains affiliate links, which means we may receive a small commission.",
            "legal notice",
        ),
        ("Lesezeit: 4 Min.", "reading time"),
        ("Por Josh Max", "byline"),
        ("[What you need to know to start the day: Get New York Today in your inbox.]", "subscribe prompt"),
        ("This copy is for your personal, non-commercial use only.", "legal notice"),
        ("We may earn a commission when you buy through links on our site.", "legal notice"),
        ("This post may contain affiliate links.", "legal notice"),
        (
            "This post contains references to products from one or more of our advertisers. We may receive"
            " compensation when you click on links to those products.",
            "legal notice",
        ),
        ("We may earn revenue from the products available on this page.", "legal notice"),
        ("This site takes part in affiliate programs with several retailers.", "legal notice"),
        ("As an Amazon Associate I earn from qualifying purchases.", "legal notice"),
        ("Supported by", "advertisement"),
        ("Lire aussi : Le retour des trains de nuit", "related links"),
        ("that said...", "short fragment"),
        ("LAURIE OAKES IS THE NINE NETWORK POLITICAL EDITOR", "all-caps label"),
        # Notices of news sites that none of the shared pages shows: what the page says about itself.
        ("Photo illustration by Jo Doe.", "image credit"),
        ("Get the latest news delivered to your inbox.", "subscribe prompt"),
        ("Mehr zum Thema.", "related links"),
        ("Lesen Sie auch: Die Nachtzüge kehren zurück", "related links"),
        ("You can read more here.", "continue reading"),
        ("Article continues after this ad.", "continue reading"),
        ("Sponsored content.", "advertisement"),
        ("Paid post", "advertisement"),
        ("By continuing to use this site you agree to our use of cookies.", "cookie notice"),
        ("We use cookies and data to deliver and maintain our services.", "cookie notice"),
        ("We and our partners use cookies to store and access information on your device.", "cookie notice"),
        ("Please enable JavaScript to view the comments.", "page notice"),
        ("You need to enable JavaScript to run this app.", "page notice"),  # a JavaScript-built page's shell
        ("JavaScript is disabled in your browser.", "page notice"),
        ("This site requires JavaScript to work properly.", "page notice"),
        ("You are using an outdated browser. Please upgrade your browser.", "page notice"),
        ("Lade f\u00fcr ein besseres Erlebnis einen neueren Browser kostenfrei herunter.", "page notice"),
        ("This content is sponsored by Example Bank.", "page notice"),
        ("This episode is brought to you by the Meridian's ferry app.", "page notice"),
        ("To continue reading, sign in or create a free account.", "continue reading"),
        ("Sign in to continue reading.", "continue reading"),
        ("Loading...", "page notice"),
        ("Loading... Please wait...", "page notice"),
        (
            "Start Region Politik Wirtschaft Sport Kultur Reise Auto Mehr Anmelden Konto anlegen Meist"
            " gelesene Artikel FOLGEN E-Mail Facebook Twitter RSS Mobile Newsletter Podcast Wetter"
            " Erhalten Sie die wichtigsten Artikel täglich per Mail.",
            "menu",
        ),
        ("Updated August 02, 2014. Written or reviewed by a board-certified physician.", "page notice"),
        ("Harbour Brief is a daily newsletter from the Example Times that delivers the news.", "page notice"),
        ("To find an acting school near you, click here to search our database.", "continue reading"),
        ("The city's ferries sail at dawn; click here for the timetable.", "continue reading"),
        ("This video is not supported by your device. Continue browsing to find other stuff.", "page notice"),
        ("Your browser does not support the video tag.", "page notice"),
        ("Listen to this story. Enjoy more audio and podcasts on iOS or Android.", "page notice"),
        ("Download the Meridian app.", "page notice"),
        ("Already a subscriber? Log in.", "page notice"),
        ("You have reached your limit of free articles.", "page notice"),
        ("You have 3 free articles remaining this month.", "page notice"),
        ("This is your last free story this month.", "page notice"),
        ("This is a developing story and will be updated.", "page notice"),
        ("This story will be updated.", "page notice"),
        # an editor's note on the page before the story
        (
            "Update, Nov. 30, 3:15 p.m.: This story has been updated with comment from the port.",
            "page notice",
        ),
        ("Correction: An earlier version of this article misstated the cost of the ferry.", "page notice"),
        ("Editor\u2019s note: This story was first published in 2019 and has been updated.", "page notice"),
        ("This story is part of a series on the islands' ferries.", "page notice"),
        (
            "Editor\u2019s note: This continues a series where we review the top 20 ferries of the year.",
            "page notice",
        ),
        ("Editor's note: This is the third part of a series on the strait.", "page notice"),
        # a wire story's note on its new version, in brackets
        ("(Corrects 10th paragraph to show the ferry is from Norway, not Sweden.)", "page notice"),
        ("(Updates with closing prices)", "page notice"),
        (
            "You\u2019re reading a free article with opinions that may differ from the Example Times\u2019 "
            "Premium Investing Services, which our analysts write for paying members.",
            "page notice",
        ),
        ("Copy and paste the following code to link back to this work.", "page notice"),
        # the site's own lines in other languages
        ("Abonnez-vous \u00e0 notre newsletter pour recevoir chaque matin l'essentiel.", "subscribe prompt"),
        ("Suscr\u00edbete para recibir las noticias m\u00e1s importantes del d\u00eda.", "subscribe prompt"),
        (
            "Melden Sie sich f\u00fcr unseren Newsletter an und erhalten Sie jeden Morgen alles.",
            "subscribe prompt",
        ),
        ("Iscriviti alla newsletter per ricevere ogni giorno le notizie.", "subscribe prompt"),
        ("Lea tambi\u00e9n: El Gobierno anuncia un plan para los transbordadores.", "related links"),
        ("Das k\u00f6nnte Sie auch interessieren:", "related links"),
        ("Cet article est r\u00e9serv\u00e9 aux abonn\u00e9s.", "page notice"),
        ("Dieser Artikel ist nur f\u00fcr Abonnenten verf\u00fcgbar.", "page notice"),
        ("Este contenido es exclusivo para suscriptores.", "page notice"),
        ("Pour lire la suite, abonnez-vous.", "continue reading"),
        ("Um weiterzulesen, melden Sie sich bitte an.", "continue reading"),
        ("Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten.", "cookie notice"),
        (
            "Nous utilisons des cookies pour am\u00e9liorer votre exp\u00e9rience sur notre site.",
            "cookie notice",
        ),
        ("Utilizamos cookies propias y de terceros para mejorar nuestros servicios.", "cookie notice"),
        ("Image source: Getty Images.", "image credit"),
        (
            "By Jo Harbour, a deputy editor and author of the Strait newsletter. She has covered the islands"
            " for a decade.",
            "byline",
        ),
        ("Breaking news.", "page notice"),
        ("Topics: Ferries, Islands.", "page notice"),
        ("Filed under: Local news.", "page notice"),
        ("Leer en español.", "page notice"),
        ("Читайте также: Шторм повредил причал в порту, сообщили власти в среду.", "related links"),
        (READ_ALSO_AR, "related links"),
        ("\u76f8\u5173\u9605\u8bfb\uff1a\u98ce\u66b4\u88ad\u51fb\u6d77\u5cb8\u3002", "related links"),
        ("\uad00\ub828\uae30\uc0ac: \ud3ed\ud48d\uc73c\ub85c \ud56d\uad6c\uac00.", "related links"),
        ("Read in English.", "page notice"),
        (
            "Our journalism needs your support. Every contribution, however big or small, keeps it free.",
            "support appeal",
        ),
        ("Support independent journalism: become a member today.", "support appeal"),
        ("If you value our work, please consider supporting our newsroom with a gift.", "support appeal"),
        ("Become a member of The Example Times and join the readers who keep us going.", "support appeal"),
        ("Donate now.", "support appeal"),
        (
            "Are you in the grips of the wintry storm? Please share your videos, pictures and stories at"
            " iReport.",
            "contribution request",
        ),
        ("Send us your photos of the first ferry.", "contribution request"),
        (
            "Vielen Dank an den Verlag für die Bereitstellung des Rezensionsexemplares. Dies hat keine"
            " Auswirkungen auf meine persönliche Meinung.",
            "disclosure",
        ),
        ("Thanks to the publisher for a review copy of the book.", "disclosure"),
        ("Hosted on Acast. See acast.com/privacy for more information.", "podcast host notice"),
        ("Learn more about your ad choices. Visit megaphone.fm/adchoices", "podcast host notice"),
        ("See omnystudio.com/listener for privacy information.", "podcast host notice"),
        ("Support this podcast: https://podcasters.example/show/x/support", "podcast host notice"),
        (
            "The Letter is a reader-supported publication. To receive new posts and support my work,"
            " consider becoming a free or paid subscriber.",
            "subscribe prompt",
        ),
        # a notice wholly in lenticular brackets ("This is day 13 of the Advent Calendar.")
        (
            "\u3010\u6e2f\u30a2\u30c9\u30d9\u30f3\u30c8\u30ab\u30ec\u30f3\u30c0\u30fc13\u65e5\u76ee\u306e\u8a18\u4e8b\u3067\u3059\u3002\u3011",
            "a label in lenticular brackets",
        ),
    ],
)
def test_boilerplate_paragraph_is_dropped_with_its_reason(text: str, reason: str) -> None:
    assert boilerplate_reason(text) == reason


LONG_NEWSLETTER_PARAGRAPH = (
    "The ministry's weekly newsletter, which farmers once had to subscribe to by post, now reaches "
    "most of the delta's cooperatives by text message, and officials say it has become the main way "
    "that warnings about rising salinity reach the villages. In Jan. the bulletin carried readings from "
    "twelve monitoring stations, up from four a year earlier, and local leaders read it aloud at markets."
)


@pytest.mark.parametrize(
    "text",
    [
        "By the time the ferry docked at Tel Aran, the crowd on the quay had been waiting for six hours.",
        "By the end of the decade the port expects to handle twice as many containers as it does today.",
        LONG_NEWSLETTER_PARAGRAPH,
        "Police asked residents to share their videos of the storm, and dozens sent them in by Friday.",
        "The retailer cut the commission it pays sites for affiliate links by half on Tuesday.",
        "Speed is the point.",
        "Share prices rose sharply after the announcement, as traders bet the central bank would hold rates.",
        "Photographs of the flooded coast road spread quickly, and within hours donors had pledged money.",
        "The newsletter, founded in 1998, has become required reading in the capital's ministries.",
        "Dr. Elsa Marrow, the economist who chairs the audit office, told lawmakers the deficit had grown.",
        "By noon the crowd had gone home, and the square was empty again.",
        "Reuters reported on Tuesday that the ministry would publish its figures before the vote.",
        "The source: a leaked memo from the finance ministry, dated Jan. 4 and signed by two officials.",
        "Photographers lined the quay as the ferry came in, and the crowd cheered the captain.",
        "Updates to the timetable, the operator said, would follow once the winter storms had passed.",
        "The strike continues a series of walkouts that has closed the port on three Mondays since May.",
        # the same words in other languages' news
        "La empresa de galletas anunci\u00f3 que vender\u00e1 sus cookies en todo el pa\u00eds desde enero.",
        "Der B\u00e4cker sagte, wir verwenden seit Jahren dieselben Zutaten f\u00fcr unsere Kekse.",
        "Los suscriptores del diario recibir\u00e1n la revista gratis, dijo el editor.",
        "Das Unternehmen will Abonnenten des Dienstes ab Januar mehr berechnen, sagte ein Sprecher.",
        "Le minist\u00e8re a lanc\u00e9 mardi une lettre d'information pour les \u00e9leveurs.",
        # a source, a reading or a time of day named in a sentence
        "The problem has one source: money.",
        "By Christmas Eve, the harbour was full of boats waiting out the storm.",
        "By Tuesday, a reporter had found the captain, who said the engine failed.",
        "You are reading a free translation of the minister's speech, which the ferry company paid for.",
        # an update or correction that is the news itself
        "Update: the ferry left at noon, two hours late, and reached the island before dark.",
        "Corrections officers at the island's prison say the ferry delays have cut visiting hours.",
        "This story is about the ferry, the captain said, and about the people who depend on it.",
        "What do you see?",
        # Short sentences that end with who did something: no byline, whatever they end with.
        "The bill was signed by President Biden.",
        "The ferry deal was approved by Congress.",
        "Shares fell 5% after the announcement by CEO Jane Doe.",
        "Reuters has learned that the ferry company plans to cut 500 jobs.",
        # Sentences that open with a label's word, or use a prompt's verb about someone else.
        "Updated guidance from the ministry says ferries may sail in winds up to force eight.",
        "Credit card debt in the islands hit a record in the second quarter, the bank said.",
        "Copyright lawsuits against the ferry company's app are piling up, and the courts are divided.",
        "Posted on the company blog, the statement blamed a software update for the delays.",
        "The operator will let passengers subscribe to a cheaper winter pass, it said on Wednesday.",
        "Islanders can sign up for the new crossing until Friday, officials said.",
        "iPhone sales fell in March.",  # a short sentence that opens with a name in lower case
        # Stories about cookies, comments, affiliate sales and reading: not the site's own notices.
        "The EU will make websites ask before setting cookies, and users must consent to tracking.",
        "The senator's comments, which were later approved by the party leadership, drew criticism.",
        "The platform said its comments section would be moderated by volunteers from now on.",
        "The retailer may earn a commission on some products, the disclosure says, which critics dislike.",
        "A 5-minute read on the history of the strait is available from the museum's website.",
        # Sentences that use a notice's words about something else.
        "Loading the ferry took four hours, because the crane on the quay broke down twice.",
        # German capitalises its nouns, and a podcast's notes list its topics in title case
        "Die Ökobilanz von Elektroautos wird vor allem durch die Produktion der Batterien beeinträchtigt,"
        " sagte der Sprecher der Duesenfeld GmbH aus Wendeburg bei Braunschweig am Montag in Berlin.",
        "Bill flies Taverncast Air, Burning Crusade roundtable, TC Field Trip: Dire Maul West, The Lore of"
        " Warcraft Finale and more!",
        "Updated timetables for the winter crossings were posted at the quay on Monday, officials said.",
        "The ferry company's newsletter, sent daily from the quay office, lists every delay by the minute.",
        'Scammers sent texts saying, "Click here to claim your prize", and hundreds did, police said.',
        "Islanders got a text reading, 'click here to pay the ferry toll', which was a scam, police said.",
        "The new ferry app is not available in your language yet, the operator admitted on Monday.",
        "Your browser history does not support the claim that the ferry left on time, police said.",
        "Listen to the islanders and you hear the same complaint: the crossing costs too much.",
        "The story of the ferry is a developing one, the historian said, and it is far from finished.",
        "Readers already subscribed to the print edition will get the app for free, the publisher said.",
        "Get the app right, and passengers will never need a paper ticket again, the operator believes.",
        "Breaking news of the strike reached the islands by radio before the morning ferry left.",
        "Tags on the crates showed they had been loaded in Rotterdam three weeks earlier.",
        "The cookie maker agreed to a merger on Tuesday, and shareholders will vote on it in May.",
        "The bakery's owner said we use cookies from a recipe that is a hundred years old.",
        "The app requires JavaScript developers with five years of experience, the company said.",
        "The race is sponsored by Example Bank, which also pays for the ferry's fuel.",
        "To continue reading the report, the minister said, one needs patience and a strong coffee.",
        "Sign in was broken for hours, and users could not continue reading their messages.",
        "JavaScript is a language that runs in every browser, and the ferry company's app is written in it.",
        "The browser maker released a newer browser for phones on Tuesday, with tabs that sync in seconds.",
        # Stories about giving and supporting, not the site asking for it.
        "The charity asked islanders to donate blankets before the storm reached the coast.",
        "Fans can donate now at the club shop, officials said on Tuesday afternoon.",
        "Voters said they would support the mayor's plan to rebuild the sea wall this year.",
        "The foundation will fund independent journalism projects in three states, it said.",
        "We asked readers to support our campaign for a new pier, and thousands wrote in.",
        "The show is hosted by Jo Doe, who grew up on the island, and you can see her every Tuesday.",
        "Becoming a subscriber to the ferry pass saves islanders a third of the fare, the operator said.",
        READ_ALSO_RU_SENTENCE,  # "Read also the book about the port, the author advises.": a sentence
        # Stories about affiliate links and paywalls.
        "The regulator said the blog post contained affiliate links that were never disclosed to readers.",
        "If your ferry is three hours late, you may receive compensation of up to 600 euros, the court said.",
        "The ferry company may earn revenue from the new route by spring, its owners told the council.",
        "Readers who have free articles left will be asked to register, the publisher said on Monday.",
        "Islanders can submit their letters to the council until Friday, the clerk said.",
        "The ferry company did not submit your complaint to the regulator, the ombudsman found.",
        # a wire story's own opening, its agency in brackets
        "(Reuters) - The ferry operator added a second boat on Monday after tickets sold out.",
        "(Adds details) The council voted on Monday to fund the new pier, the clerk said.",
        # a sentence that opens with a label in lenticular brackets is running text ("[Washington] ...")
        "\u3010\u30ef\u30b7\u30f3\u30c8\u30f3\u3011\u6e2f\u306e\u8239\u304c\u6708\u66dc\u65e5\u306b\u623b\u3063\u305f\u3002",
    ],
)
def test_real_paragraph_is_kept(text: str) -> None:
    assert boilerplate_reason(text) is None


def test_teaser_drops_page_furniture_and_keeps_the_authors_paragraphs() -> None:
    body = [
        "By the time the ferry left the harbour, the quay was full of families who had come to wave it off.",
        "It carried 212 passengers, a few dozen crates of dried fish and a delegation of port officials.",
    ]
    item = article(
        "EUROPE",
        "By Jane Doe",
        "Photo: Kenji Farrow for The Meridian",
        "Share this article",
        body[0],
        "Advertisement",
        "Sign up for our weekly newsletter to get our best stories in your inbox.",
        body[1],
        "Related: The night train to Vessna",
    )

    result = teaser(item, TeaserConfig(min_words=200, max_words=300))

    assert result.paragraphs == tuple(body)
    assert [d.reason for d in result.dropped] == [
        "all-caps label",
        "byline",
        "image credit",
        "share prompt",
        "advertisement",
        "subscribe prompt",
        "related links",
    ]


def test_paragraphs_repeating_the_title_or_caption_are_dropped() -> None:
    lede = (
        "On a grey morning the first scheduled ferry in eleven years slipped its moorings and turned south."
    )
    title = "Ferries return to the Kessan Strait after eleven years apart"
    item = article(
        f"{title} | The Meridian",
        "The first ferry in eleven years leaves the harbour of Kessan City.",
        lede,
        image_caption="The first ferry in eleven years leaves the harbour of Kessan City.",
        title=title,
    )

    result = teaser(item, SETTINGS)

    assert result.paragraphs == (lede,)
    assert [d.reason for d in result.dropped] == ["repeats the title or image caption"] * 2


def test_lede_that_the_meta_description_copies_is_kept() -> None:
    # Many sites fill the description from the first paragraph; a dek shown apart is stripped by markup.
    lede = "The first ferry in eleven years crossed the strait on Tuesday, to applause from both quays."
    item = article(lede, sentence(30), summary=lede)

    assert teaser(item, SETTINGS).paragraphs[0] == lede


STANDFIRST = (
    "Ferries cross the strait again. But the harbour that waited eleven years for them is not ready yet"
)
LEDE = "The first ferry in eleven years crossed the strait on Tuesday, to applause from both quays."


def test_a_standfirst_set_as_the_first_paragraph_is_not_the_lede() -> None:
    # The description shown under the headline, in a box nothing names: it ends without a full stop.
    item = article(STANDFIRST, LEDE, sentence(30), summary=STANDFIRST)

    found = teaser(item, SETTINGS)

    assert found.paragraphs[0] == LEDE
    assert [d.reason for d in found.dropped] == ["the page's summary line, not its text"]


@pytest.mark.parametrize(
    ("first", "summary"),
    [
        (f"{STANDFIRST}.", f"{STANDFIRST}."),  # a lede the description copies ends its sentence
        (STANDFIRST, "The harbour is not ready for its ferries."),  # not the description
        # a product's description, then a shop's labels ("free trial"): shorter than a clause
        (f"{LEDE} Free trial", f"{LEDE} Free trial"),
    ],
    ids=["full-stop", "not-the-description", "labels-after"],
)
def test_a_first_paragraph_that_is_no_standfirst_opens_the_teaser(first: str, summary: str) -> None:
    found = teaser(article(first, sentence(30), summary=summary), SETTINGS)

    assert found.paragraphs[0].startswith(first[:30])


def test_a_page_of_nothing_but_its_standfirst_still_has_a_teaser() -> None:
    found = teaser(article(STANDFIRST, summary=STANDFIRST), SETTINGS)

    assert found.paragraphs == ("Ferries cross the strait again.",)


_QUOTE = "I have never seen a harbour that did not begin with somebody tired of waiting for the boat."
_LEDE = "The Senate voted on Tuesday to extend the ferry subsidy for another three years, by 61 to 39."


@pytest.mark.parametrize(
    ("opening", "epigraph"),
    [
        ((_QUOTE, "\u2014Elizabeth Gilbert"), True),
        ((_QUOTE, "\u2014 Seneca, Letters"), True),
        ((f"\u201c{_QUOTE}\u201d \u2014 Jo Doe",), True),
        # a credit of a picture, a sentence of its own, a long line: no author's name
        ((_QUOTE, "\u2014 Photo: Jo Doe"), False),
        ((_QUOTE, "\u2014 and then the council met again to vote"), False),
    ],
)
def test_an_opening_quotation_with_its_authors_name_after_it_is_an_epigraph(
    opening: tuple[str, ...], epigraph: bool
) -> None:
    found = teaser(article(*opening, _LEDE), SETTINGS).paragraphs

    assert found[0] == _LEDE if epigraph else found[0].startswith(opening[0][:30])


def test_a_sentence_that_runs_on_after_a_dash_is_no_signed_quotation() -> None:
    assert _an_epigraph(f"{_QUOTE} \u2014 Jo Doe", ())
    assert not _an_epigraph(f"{_QUOTE} \u2014 and then the council met again, as it did in May", ())


def test_a_quotation_with_its_author_after_the_first_paragraph_is_the_articles() -> None:
    found = teaser(article(_LEDE, _QUOTE, "\u2014Elizabeth Gilbert"), SETTINGS).paragraphs

    assert found[:2] == (_LEDE, _QUOTE)


def test_dateline_on_its_own_line_opens_the_next_paragraph() -> None:
    body = "The Senate voted on Tuesday to extend the ferry subsidy for another three years, by 61 to 39."

    assert join_datelines(["WASHINGTON (AP) —", body]) == [f"WASHINGTON (AP) — {body}"]
    assert join_datelines(["LONDON —", body, "PARIS, France -"]) == [f"LONDON — {body}", "PARIS, France -"]
    assert teaser(article("BRUSSELS —", body), SETTINGS).paragraphs == (f"BRUSSELS — {body}",)
    # Agencies outside the English-language wires write the place as it is spelt, then their name.
    assert join_datelines(["Marseille (AFP) -", body]) == [f"Marseille (AFP) - {body}"]
    assert join_datelines(["Hamburg (dpa) \u2013", body]) == [f"Hamburg (dpa) \u2013 {body}"]
    # ... and German papers set the place alone in a box of its own ("<p class='ortsmarke'>")
    assert join_datelines(["D\u00fcsseldorf -", body]) == [f"D\u00fcsseldorf - {body}"]
    assert join_datelines(["Bad Homburg \u2013", body]) == [f"Bad Homburg \u2013 {body}"]
    assert join_datelines(["Read more about it here -", body]) == ["Read more about it here -", body]


def test_a_paragraph_that_stops_at_a_comma_goes_on_in_the_next() -> None:
    # an editor's stray break: the sentence runs on into the next paragraph (journalistenwatch.com)
    broken = "The ferry left the harbour at dawn, the first crossing of the strait in eleven years,"
    rest = "and two hundred passengers cheered as the band played on its upper deck."

    assert teaser(article(broken, rest), SETTINGS).paragraphs == (f"{broken} {rest}",)
    # a list's short items end in commas and stay apart
    assert join_datelines(["Ferries,", "trains,", "buses."]) == ["Ferries,", "trains,", "buses."]


def test_paragraph_ending_in_a_colon_link_or_emoji_is_cut_back_to_its_last_sentence() -> None:
    assert to_sentence_end("The ferry sailed at dawn. It was full. Watch the departure here:") == (
        "The ferry sailed at dawn. It was full."
    )
    assert to_sentence_end("Tickets sold out. See the timetable at https://ferries.example/t") == (
        "Tickets sold out."
    )
    assert to_sentence_end("The crowd cheered. Highlights \u2b50\ufe0f\u2b07\ufe0f") == "The crowd cheered."
    assert to_sentence_end("Topics: ferries, strait, islands") == ""


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # the brackets a Chinese or Japanese sentence closes after its full stop stay with it
        (
            "\u3010\u6e2f\u306e\u8a18\u4e8b\u3067\u3059\u3002\u3011",
            "\u3010\u6e2f\u306e\u8a18\u4e8b\u3067\u3059\u3002\u3011",
        ),
        (
            "\u300a\u6e2f\u62a5\u300b\u62a5\u9053\u3002\u300b\u8be6\u60c5",
            "\u300a\u6e2f\u62a5\u300b\u62a5\u9053\u3002\u300b",
        ),
        (
            "\u300e\u6e2f\u3002\u300f\u3068\u8a00\u3063\u305f\u3002\u3010\u5199\u771f",
            "\u300e\u6e2f\u3002\u300f\u3068\u8a00\u3063\u305f\u3002",
        ),
    ],
)
def test_a_sentence_keeps_the_closing_bracket_after_its_full_stop(text: str, kept: str) -> None:
    assert to_sentence_end(text) == kept


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # French sets its closing guillemet apart by a space, a no-break one or a narrow one
        (
            "\u00ab Faites votre travail. Faites-le, enfin ! \u00bb",
            "\u00ab Faites votre travail. Faites-le, enfin ! \u00bb",
        ),
        ("\u00ab Le bac part.\u00a0\u00bb Il pleut. Puis", "\u00ab Le bac part.\u00a0\u00bb Il pleut."),
        ("\u00ab Le bac part\u202f! \u00bb Il pleut", "\u00ab Le bac part\u202f! \u00bb"),
        # German opens a quotation with one: after a space, it starts the next sentence
        ("Er ging. \u00bbJa\u00ab, sagte sie", "Er ging."),
    ],
)
def test_a_french_closing_guillemet_after_a_space_ends_the_sentence_with_it(text: str, kept: str) -> None:
    assert to_sentence_end(text) == kept


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # an emoji typed in ASCII after the last sentence goes, as a pictured one does
        ("No blog means no login. :-p", "No blog means no login."),
        ("The ferry is back! :) ;-)", "The ferry is back!"),
        ("We love it. <3", "We love it."),
        ("Best day ever. xD", "Best day ever."),
        # a colon in a word or a number is none
        ("The ratio was 3:2", ""),
        ("He said:p", ""),
    ],
)
def test_an_ascii_emoticon_after_the_last_sentence_is_left_out(text: str, kept: str) -> None:
    assert to_sentence_end(text) == kept


def test_paragraph_without_a_full_sentence_is_not_the_lede() -> None:
    body = sentence(30)

    result = teaser(
        article("In this story: ferries, Kessan Strait, island politics, Editor's Picks", body), SETTINGS
    )

    assert result.paragraphs == (body,)
    assert result.dropped[0].reason == "no full sentence"


def test_a_first_paragraph_that_ends_in_a_colon_opens_the_teaser_with_what_it_introduces() -> None:
    # Dropped as "no full sentence", such a lede left the teaser starting at the quote it introduced.
    lead_in = "After the vote, the ferry company issued a statement to the Courier:"
    quote = "\u201cWe will resume the crossing on Tuesday, weather permitting; tickets stay valid.\u201d"
    after = sentence(30)

    result = teaser(article(lead_in, quote, after), SETTINGS)

    assert result.paragraphs[0] == f"{lead_in} {quote}"
    assert result.paragraphs[1] == after


@pytest.mark.parametrize(
    ("lead_in", "introduced"),
    [
        ("Today at the depot, I needed a script to list the ferries due for repair, and wrote:", "ls -l /f"),
        ("The harbour office published a two-step timetable for the crossing in its app():", "08:00 · 12:00"),
        ("Among the changes that the ferry company announced on Tuesday:", "Topics: ferries, Kessan Strait"),
    ],
)
def test_an_opening_that_introduces_code_or_a_list_still_starts_the_teaser(
    lead_in: str, introduced: str
) -> None:
    # Dropped with what it introduced, it left the teaser starting in the article's middle ("Can you
    # spot the bug?"); the ellipsis stands for what it introduced.
    body = sentence(30)

    result = teaser(article(lead_in, introduced, body), SETTINGS)

    assert result.paragraphs == (f"{lead_in[:-1].rstrip()} \u2026", body)


def test_a_colon_lead_in_further_on_goes_with_what_it_introduces_when_that_is_not_body_text() -> None:
    lead_in = "Among the changes that the ferry company announced on Tuesday:"
    body, more = sentence(30), sentence(30, "Kilo")
    wide = TeaserConfig(min_words=200, max_words=300)

    result = teaser(article(body, lead_in, "Topics: ferries, Kessan Strait, island politics", more), wide)
    assert result.paragraphs == (body, more)
    assert result.dropped[0].reason == "introduces a paragraph that is not body text"
    last = teaser(article(body, lead_in), wide)  # never the last line
    assert last.paragraphs == (body,)
    short = teaser(article("Here is the timetable:", "08:00 · 12:00", body), SETTINGS)  # no prose of its own
    assert short.paragraphs == (body,)


def test_a_version_number_or_a_figure_ends_its_sentence() -> None:
    assert to_sentence_end("There is a new version of the ferry app: 2.13.4. It fixes the timetable:") == (
        "There is a new version of the ferry app: 2.13.4."
    )
    assert to_sentence_end("Bookings grew by 3.5. The operator added a boat:") == "Bookings grew by 3.5."
    assert to_sentence_end("Officials in the U.S. Treasury disagreed with the figure of 3.5 per cent:") == ""


URDU_STOP, ARABIC_QUESTION, DANDA, ARMENIAN_STOP, ETHIOPIC_STOP = (
    "\u06d4",
    "\u061f",
    "\u0964",
    "\u0589",
    "\u1362",
)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            f"پاکستان کی پارلیمان نے ایک متفقہ قرارداد میں صدر کی تقریر کو مسترد کر دیا ہے{URDU_STOP}",
            f"آخر کیا ہے{ARABIC_QUESTION}",
        ),
        (
            f"नई नौका सेवा मंगलवार सुबह ग्यारह साल बाद पहली बार बंदरगाह पहुंची{DANDA}",
            f"यात्रियों ने तालियां बजाईं{DANDA}",
        ),
        (
            f"Լաստանավը երեքշաբթի առավոտյան տասնմեկ տարի անց անցավ նեղուցը{ARMENIAN_STOP}",
            f"Ուղևորները ծափահարեցին{ARMENIAN_STOP}",
        ),
        (
            f"መርከቧ ከአስራ አንድ ዓመታት በኋላ ለመጀመሪያ ጊዜ ማክሰኞ ጠዋት ወደቡ ደረሰች{ETHIOPIC_STOP}",
            f"ተሳፋሪዎቹ አጨበጨቡ{ETHIOPIC_STOP}",
        ),
    ],
    ids=["urdu", "hindi", "armenian", "ethiopic"],  # Bengali and Marathi share Hindi's danda
)
def test_sentences_end_where_their_script_ends_them(first: str, second: str) -> None:
    # Without their own full stops these read as "no full sentence": a whole Urdu feed got no teasers.
    paragraph = f"{first} {second}"

    assert teaser(article(paragraph), TeaserConfig(min_words=5, max_words=80)).paragraphs == (paragraph,)
    assert sentence_ends(f"{paragraph} {first}") == [len(first), len(paragraph)]
    assert to_sentence_end(f"{paragraph} {second[:-1]}:") == paragraph


THAI_FIRST = "นายกรัฐมนตรีเดินทางไปเยือนจังหวัดเชียงใหม่เมื่อวันอังคารเพื่อติดตามสถานการณ์น้ำท่วม"  # 12 words
THAI_REST = "ซึ่งส่งผลกระทบต่อประชาชนหลายพันครัวเรือนในพื้นที่"  # ends in two marks on its last letter
THAI_SECOND = "เจ้าหน้าที่ระบุว่าระดับน้ำเริ่มลดลงแล้วในหลายอำเภอ แต่ยังคงต้องเฝ้าระวังต่อเนื่อง"


def test_thai_without_sentence_marks_or_spaces_between_words_has_a_teaser() -> None:
    # Thai ends a sentence or phrase with a space and has no full stop: it read as "short fragment"
    # after "short fragment", and the teaser of a Thai article was empty.
    first = f"{THAI_FIRST} {THAI_REST}"

    assert teaser(article(first, THAI_SECOND), SETTINGS).paragraphs == (first, THAI_SECOND)
    assert 10 <= count_words(THAI_FIRST) <= 16
    assert cut_at_sentence(f"{first} {THAI_SECOND}", 20) == f"{THAI_FIRST} {ELLIPSIS}"
    assert to_sentence_end(f"{first} \U0001f44b") == first  # a wave goes, the vowel marks stay


@pytest.mark.parametrize(
    ("first", "headline"),
    [
        ("Just shipped the new ferry timetable app.", "Just shipped the new ferry timetable app."),
        (
            "The ferry left the harbour of Kessan City at dawn on Tuesday, the first crossing in years.",
            "The ferry left the harbour of Kessan City at dawn \u2026",
        ),
        ("\u6e21\u8f6e\u6062\u590d\u4e86\u3002", "\u6e21\u8f6e\u6062\u590d\u4e86\u3002"),
    ],
)
def test_an_untitled_item_is_called_by_its_first_words(first: str, headline: str) -> None:
    # A feed item without a title (a short post) was headed by its own URL in the email.
    url = "https://news.example/posts/1"
    rest = sentence(30)

    untitled = teaser(article(f"{first} {rest}", url=url, title=url), SETTINGS)
    titled = teaser(article(f"{first} {rest}", url=url, title="Ferries return"), SETTINGS)

    assert untitled.title == headline
    assert titled.title == "Ferries return"
    assert untitled.paragraphs == titled.paragraphs  # the lede is the lede all the same


def test_summary_stands_in_when_every_paragraph_is_furniture() -> None:
    summary = "The first ferry in eleven years crossed the strait on Tuesday, to applause from both quays."
    item = article("Advertisement", "Share this article", summary=summary)

    assert teaser(item, SETTINGS).paragraphs == (summary,)


def test_site_boilerplate_repeated_across_articles_is_dropped() -> None:
    site = "The Meridian is an independent magazine, and it relies on its readers for support every month."
    articles = [
        article(
            sentence(20, f"Lede{n}") if n != 3 else sentence(22, "Omega"),
            site if n != 3 else sentence(12, "Kilo"),
            sentence(30, f"Story{n}"),
            url=f"https://news.example/{n}",
        )
        for n in range(4)
    ]

    teasers = ledes(articles, TeaserConfig(min_words=100, max_words=200))

    for result in teasers:
        assert site not in result.paragraphs
    assert all(any(d.reason == "repeats on other pages of the site" for d in t.dropped) for t in teasers[:3])
    assert teasers[3].dropped == ()
    assert [len(t.paragraphs) for t in teasers] == [2, 2, 2, 3]


def test_paragraph_on_only_one_page_is_not_site_boilerplate() -> None:
    unique = "The ferry company says it will add a second daily crossing if the spring bookings hold up."
    articles = [
        article(unique if n == 0 else sentence(15), url=f"https://news.example/{n}") for n in range(5)
    ]

    assert ledes(articles, SETTINGS)[0].paragraphs == (unique,)


# --------------------------------------------------------------------------- word budget


def test_whole_paragraphs_are_taken_until_min_words_is_reached() -> None:
    paragraphs = [paragraph(8, 7), paragraph(15), paragraph(15), paragraph(15)]

    chosen, truncated = pick_lede(paragraphs, min_words=40, max_words=120)

    assert chosen == tuple(paragraphs[:3])
    assert not truncated
    assert sum(words(p) for p in chosen) >= 40


def test_a_paragraph_that_would_pass_max_words_is_not_added() -> None:
    paragraphs = [paragraph(10, 10), paragraph(50, 60), paragraph(10)]

    chosen, truncated = pick_lede(paragraphs, min_words=40, max_words=120)

    assert chosen == (paragraphs[0],)
    assert not truncated


def test_max_words_may_be_reached_exactly() -> None:
    paragraphs = [paragraph(20), paragraph(20)]

    chosen, _ = pick_lede(paragraphs, min_words=40, max_words=40)

    assert chosen == tuple(paragraphs)


def test_long_first_paragraph_is_cut_at_a_sentence_end_with_an_ellipsis() -> None:
    text = paragraph(*[12] * 20)

    chosen, truncated = pick_lede([text, paragraph(10)], min_words=40, max_words=120)

    assert truncated
    assert len(chosen) == 1
    assert chosen[0].endswith(f". {ELLIPSIS}")
    head = chosen[0].removesuffix(f" {ELLIPSIS}")
    assert text.startswith(head)
    assert words(head) == 120
    assert len(head.split()) <= 120


@pytest.mark.parametrize("trail", ["\u2026", "\u2026\u201d", "\u2026)"])
def test_a_cut_after_a_sentence_that_trails_off_gets_no_second_ellipsis(trail: str) -> None:
    # "… eine halbe Wassermelone passen …": the page's own ellipsis already says more follows
    trailing = f"{sentence(8).removesuffix('.')} {trail}"
    text = f"{trailing} {paragraph(30, 3)}"

    assert cut_at_sentence(text, 20) == trailing


def test_cut_keeps_at_least_one_sentence_even_if_it_is_long() -> None:
    text = paragraph(30, 10)

    assert cut_at_sentence(text, 20) == f"{sentence(30)} {ELLIPSIS}"


@pytest.mark.parametrize(
    ("tricky", "after"),
    [
        ("Officials in the U.S. Treasury said the figure was wrong and would be revised.", "U.S."),
        ("She met Dr. Elsa Marrow at the audit office on a wet Friday in the capital.", "Dr."),
        ("The parliament reconvened in Jan. Few deputies expected the coalition to survive.", "Jan."),
        ("The audit office put the deficit at 3.5 percent of output and warned it could rise.", "3."),
        ("Talks with the E.U. Commission in Brussels have dragged on for most of the year.", "E.U."),
        ("The ferry operator, Kessan Lines Inc. Said nothing about the fares charged for cars.", "Inc."),
        ("Die Fähre der Linie Nr. 5 fährt seit Dienstag wieder zweimal am Tag über die Meerenge.", "Nr."),
        ("Die Reederei zählte ca. 500 Fahrgäste auf der ersten Überfahrt seit elf Jahren.", "ca."),
    ],
)
def test_cut_never_falls_after_an_abbreviation_or_inside_a_decimal(tricky: str, after: str) -> None:
    opening = sentence(10, "First")
    budget = 10 + len(tricky[: tricky.index(after) + len(after)].split())
    text = f"{opening} {tricky} {paragraph(40, 40)}"

    cut = cut_at_sentence(text, budget)

    assert cut == f"{opening} {ELLIPSIS}"


@pytest.mark.parametrize(
    ("quoted", "inner"),
    [
        ('The minister said "we will win. Then we will govern for a decade." Nobody laughed.', "win."),
        ("The vote (held at night. Few noticed.) was close and contested by the opposition.", "night."),
        ("The minister said \u201cwe will win. Then we will govern.\u201d Nobody laughed at all.", "win."),
        (
            "Der Minister sagte \u201ewir gewinnen. Dann regieren wir.\u201c Niemand lachte dar\u00fcber.",
            "gewinnen.",
        ),
    ],
)
def test_cut_leaves_no_dangling_quote_or_parenthesis(quoted: str, inner: str) -> None:
    opening = sentence(10, "First")
    budget = 10 + len(quoted[: quoted.index(inner) + len(inner)].split()) + 1
    text = f"{opening} {quoted} {paragraph(40)}"

    cut = cut_at_sentence(text, budget)

    assert cut == f"{opening} {ELLIPSIS}"


@pytest.mark.parametrize(
    "quoted",
    [
        "Der Minister sagte: \u201eWir werden das Problem l\u00f6sen, und zwar schon sehr bald.\u201c",
        "Le ministre a dit\u00a0: \u00abNous allons r\u00e9gler ce souci tr\u00e8s vite.\u00bb",
        "Er sagte: \u00bbWir werden das Problem l\u00f6sen, und zwar schon sehr bald.\u00ab",
    ],
)
def test_a_sentence_ends_inside_the_quotes_each_language_closes_it_with(quoted: str) -> None:
    # German closes \u201e\u2026\u201c with what opens a quote in English: the paragraph was read as
    # having no sentence end at all, and a lede that quotes went (tichyseinblick.de)
    assert to_sentence_end(quoted) == quoted
    assert cut_at_sentence(f"{quoted} {paragraph(40)}", len(quoted.split()) + 5) == f"{quoted} {ELLIPSIS}"


def test_cut_includes_a_closed_quotation_when_it_fits() -> None:
    opening = sentence(10, "First")
    quoted = 'The minister said "we will win. Then we will govern." Nobody laughed.'
    text = f"{opening} {quoted} {paragraph(40)}"

    cut = cut_at_sentence(text, 10 + len(quoted.split()))

    assert cut == f"{opening} {quoted} {ELLIPSIS}"


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("He met officials in the U.S. Treasury on Monday. They agreed.", 2),
        ("Dr. Marrow spoke first. Gen. Okafor spoke last.", 2),
        ("It grew 3.5 percent in Jan. Then it shrank.", 1),  # "Jan." before a capital stays ambiguous
        ("The vote came at 5 p.m. on Friday. Few stayed.", 2),
        ("Prices rose (by 3 percent.) Then they fell.", 2),
        ('She said: "We will win." Nobody laughed.', 2),
        ("Is it over? Yes. It is!", 3),
        ("The list ran on, e.g. ferries, trains and buses. It ended there.", 2),
        ("It ended... and then began again. Really.", 2),
        ("Первый абзац закончился. Второй начался.", 2),
        ("El ferry volvió. \u00bfDurará? \u00a1Nadie lo sabe! Veremos.", 4),
        ("Die Fähre kam an. \u201eEndlich\u201c, sagte er. \u00bbJa\u00ab, sagte sie.", 3),
        ("\u7b2c\u4e00\u53e5\u3002\u7b2c\u4e8c\u53e5\uff01\u7b2c\u4e09\u53e5\u3002", 3),
        # German ordinals and spaced abbreviations: a teaser once ended "Am 3. …" and "Das gilt z. …".
        ("Am 3. Oktober 1990 wurde Deutschland wiedervereinigt. Danach kam der Alltag.", 2),
        ("Die Fähre fährt ab dem 1. Januar wieder. Mehr folgt.", 2),
        ("Im 19. Jahrhundert fuhren hier Dampfer. Heute fahren Fähren.", 2),
        ("Das gilt z. B. für Fähren und u. a. für Busse. Der Rest folgt.", 2),
        ("Il 1\u00b0 gennaio entra in vigore la legge n. 45, ha detto. Il resto segue.", 2),
        ("Der Zähler stand am Ende bei 3. Dann kam die Fähre.", 2),  # a count ends its sentence
        ("He scored 3. Then he left the pitch.", 2),
    ],
)
def test_sentence_splitter_hard_cases(text: str, sentences: int) -> None:
    assert len(sentence_ends(text)) + 1 == sentences


def test_chinese_and_japanese_characters_count_as_words() -> None:
    assert count_words("\u6708\u9762\u4e0a\u559d\u9152") == 5
    assert count_words("DeepMind\u5f00\u53d1 AI") == 4


def test_korean_counts_its_words_by_their_spaces() -> None:
    # "Seoul city closed the harbour on Tuesday": four words of Korean, twelve syllables
    korean = "\uc11c\uc6b8\uc2dc\ub294 \ud654\uc694\uc77c \ud56d\uad6c\ub97c \ud3d0\uc1c4\ud588\ub2e4"
    assert count_words(korean) == 4


def test_a_korean_teaser_is_as_long_as_its_budget_in_words() -> None:
    # A Korean paper's lede of one sentence of nine words is no teaser of 40 words: the next
    # paragraph follows it, as it would in English.
    first = "\ub300\uc6b0\uc870\uc120\ud574\uc591 \ub178\uc870\uac00 " * 4 + "\ud588\ub2e4."
    second = "19\uc77c \ub178\uc870\uc5d0 \ub530\ub974\uba74 " * 8 + "\ucc2c\uc131\ud588\ub2e4."
    paragraphs, _ = pick_lede((first, second, second), 40, 120)
    assert paragraphs[:2] == (first, second)


def test_a_length_in_words_reads_chinese_and_japanese_at_about_two_characters_a_word() -> None:
    # What tells a line from a paragraph: "a paragraph of 25 words" is about 50 characters of Japanese.
    assert estimated_words("The harbour closes for winter") == 5
    headline = "\u6771\u4eac\u306e\u65b0\u3057\u3044\u56f3\u66f8\u9928\u304c\u958b\u9928\u3078"  # 13
    assert estimated_words(headline) == 6
    assert estimated_words("DeepMind\u5f00\u53d1 AI") == 3
    korean = "\uc11c\uc6b8\uc2dc\ub294 \ud654\uc694\uc77c \ud56d\uad6c\ub97c \ud3d0\uc1c4\ud588\ub2e4"
    assert estimated_words(korean) == 4  # Korean is written with spaces


def test_a_length_in_latin_characters_weighs_a_chinese_or_japanese_character_as_three() -> None:
    assert latin_length("The harbour") == 11
    assert latin_length("\u6771\u4eac\u306e AI") == 3 * 3 + 3  # three of them, a space and two letters


def test_chinese_paragraph_is_cut_at_its_full_stops_within_the_budget() -> None:
    text = "\u4ed6\u8bf4\u4e86\u3002" * 50  # 50 sentences of four "words"

    cut = cut_at_sentence(text, 40)

    assert cut == "\u4ed6\u8bf4\u4e86\u3002" * 10 + f" {ELLIPSIS}"


def test_cut_leaves_no_dangling_guillemet() -> None:
    opening = sentence(10, "First")
    text = f"{opening} \u00abNous gagnerons. Puis nous gouvernerons.\u00bb {paragraph(40)}"

    assert cut_at_sentence(text, 14) == f"{opening} {ELLIPSIS}"


# --------------------------------------------------------------------------- credits and images


def test_credit_never_appears_in_the_teaser_paragraphs() -> None:
    credit = "Ines Maraval for The Meridian"
    body = "The generator in the village used to run for three hours a night, when there was diesel to burn."
    item = article(
        credit,
        "Top image credit: Ines Maraval for The Meridian",
        body,
        image_url="https://news.example/lead.jpg",
        image_credit=credit,
    )

    result = teaser(item, SETTINGS)

    assert result.paragraphs == (body,)
    assert result.image_credit == credit
    assert all("Maraval" not in p for p in result.paragraphs)


def test_credit_is_left_out_when_there_is_no_image() -> None:
    item = article(sentence(45), image_credit="Photo: Jane Doe")

    assert teaser(item, SETTINGS).image_credit == ""


def test_image_alt_falls_back_to_caption_then_title() -> None:
    text = sentence(45)
    with_caption = article(text, image_url="https://x.example/i.jpg", image_caption="Boats at dawn.")
    bare = article(text, image_url="https://x.example/i.jpg")

    assert teaser(with_caption, SETTINGS).image_alt == "Boats at dawn."
    assert teaser(bare, SETTINGS).image_alt == "A headline about ferries"


def test_feed_summary_is_used_when_the_page_was_not_read() -> None:
    item = article(summary="The first ferry in eleven years crossed the strait on Tuesday, to applause.")

    result = teaser(item, SETTINGS)

    assert result.paragraphs == (
        "The first ferry in eleven years crossed the strait on Tuesday, to applause.",
    )
    assert result.section == ""  # unnamed: compose gives it the newsletter's default section


# --------------------------------------------------------------------------- the demo site


@pytest.fixture(scope="module")
def demo_teasers(demo_site: Path):
    mirror = MirrorConfig(url="https://meridian.example/", dir=str(demo_site))
    source = SourceConfig(url=str(demo_site / "feed.xml"), pages=True, mirror=mirror)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected network request for {request.url}")

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    window = Window(NOW - timedelta(days=30), NOW)
    collection = asyncio.run(collect([source], Fetcher(client, [mirror]), window))
    assert collection.problems == ()
    assert len(collection.articles) == 14
    return collection.articles, ledes(collection.articles, SETTINGS)


def test_demo_teasers_are_within_the_word_budget(demo_teasers) -> None:
    _, teasers = demo_teasers

    for result in teasers:
        if result.truncated:
            assert len(result.paragraphs) == 1, result.url
            assert SETTINGS.min_words <= words(result.paragraphs[0]) <= SETTINGS.max_words, result.url
        else:
            assert SETTINGS.min_words <= result.word_count <= SETTINGS.max_words, result.url


def test_demo_teasers_end_at_a_sentence_end(demo_teasers) -> None:
    _, teasers = demo_teasers

    for result in teasers:
        last = result.paragraphs[-1]
        if result.truncated:
            assert last.endswith(f" {ELLIPSIS}"), result.url
            last = last.removesuffix(f" {ELLIPSIS}")
        assert SENTENCE_END.search(last), result.url
        assert not last.endswith(("U.S.", "Dr.", "Jan.")), result.url


def test_demo_long_first_paragraphs_are_truncated_at_a_sentence(demo_teasers) -> None:
    articles, teasers = demo_teasers
    by_url = {a.url: a for a in articles}

    for slug in ("valdoria-coalition-budget", "tarsin-delta-salt", "lake-ondara-weed"):
        (result,) = [t for t in teasers if t.url.endswith(f"/{slug}.html")]
        assert result.truncated, slug
        head = result.paragraphs[0].removesuffix(f" {ELLIPSIS}")
        source = by_url[result.url]
        first = next(p for p in source.paragraphs if p.startswith(head))
        assert len(first.split()) >= 150
        assert first[len(head)] == " "


def test_demo_teasers_hold_no_credit_prompt_or_advertisement(demo_teasers) -> None:
    _, teasers = demo_teasers

    for result in teasers:
        text = " ".join(result.paragraphs)
        assert not any(p.startswith(("Top image credit", "Photo:")) for p in result.paragraphs), result.url
        assert "Sign up" not in text, result.url
        assert "Advertisement" not in result.paragraphs, result.url
        if result.image_credit:
            assert result.image_credit not in text, result.url


def test_demo_summary_paragraph_repeating_the_dek_is_dropped(demo_teasers) -> None:
    articles, teasers = demo_teasers
    by_url = {a.url: a for a in articles}

    for slug in ("lessenia-night-train", "container-shipping-glut"):
        (result,) = [t for t in teasers if t.url.endswith(f"/{slug}.html")]
        dek = by_url[result.url].summary
        # The page shows the dek under the headline and again as the body's first paragraph: both go.
        assert dek not in by_url[result.url].paragraphs
        assert dek not in result.paragraphs
        first = DEMO_ARTICLES[slug]["paragraphs"][0]
        assert first.startswith(result.paragraphs[0].removesuffix(f" {ELLIPSIS}"))
