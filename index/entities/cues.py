"""Word lists that type a capitalised name by its context: English, not world knowledge.

Nothing here names a country, person or organisation; these are the head nouns,
titles and function words an English news sentence wraps names in.  Knowledge about
particular places and bodies comes from countryinfo and the alias files.
"""

from __future__ import annotations

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "LAW", "DATE")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Last word of a name -> its type ("Nuclear Consultative Group" -> ORG).
HEADS: dict[str, str] = {}
for _type, _text in {
    "ORG": """Ministry Ministries Council Agency Department Group Committee Commission Party Army
        Navy Forces Corps Command Guard Police Office Bureau Service Services Administration
        Authority Association Organization Organisation Union Alliance League Federation
        Institute Institution Foundation Fund Bank University College School Academy Court
        Senate Congress Parliament Assembly Cabinet Company Corporation Corp. Inc. Ltd. LLC Co.
        Airlines Airways Times Post Journal News Daily Herald Tribune Gazette Telegraph Network
        Press Club Church Board Society Movement Front Brigade Brigades Cartel Coalition Caucus
        Secretariat Tribunal Reserve Inc Corp Ltd Group Holdings Industries Motors Technologies
        Labs Laboratory Laboratories Commission Taskforce Directorate Regiment Battalion
        Division Fleet Staff Chiefs Team Government Cooperative Conglomerate Broadcasting
        Television Radio Channel Magazine Review Monitor Observer Chronicle
        Enquirer Bulletin Weekly Studios Pictures Records Patrol House Houses Branch Dept Dept. State Wire""",
    "EVENT": """Summit Dialogue Conference Meeting Ministerial Forum Talks Olympics Olympiad
        Championship Championships Cup War Revolution Festival Expo Session Summitry Games
        Rally Marathon Massacre Uprising Crisis Convention Election Elections Primary
        Primaries Caucuses Debate Hearing Hearings Symposium Congresses Exercise Exercises
        Drill Drills Parade Ceremony Awards""",
    "LAW": """Agreement Agreements Treaty Act Accord Accords Protocol Charter Amendment Pact
        Constitution Declaration Conventions Resolution Code Statute Doctrine""",
    "FAC": """Hotel Airport Bridge Tower Towers Stadium Arena Building Palace Museum Prison
        Base Station Port Plant Dam Highway Street Avenue Road Square Memorial Cemetery
        Embassy Consulate Hospital Cathedral Mosque Temple Library Centre Center Hall
        Complex Facility Reactor Terminal Pier Harbor Harbour Tunnel Canal Castle Gate
        Mall Theater Theatre Park""",
    "LOC": """Peninsula Strait Straits Sea Ocean Gulf Bay River Lake Lakes Mountains Mountain
        Island Islands Desert Valley Coast Basin Plateau Delta Reef Archipelago Strip
        Glacier Highlands Lowlands Plains Falls Hills""",
}.items():
    for _w in _text.split():
        HEADS.setdefault(_w, _type)
HEADS["Convention"] = "EVENT"  # "... National Convention"; "Convention on X" is a LAW (below)

# Heads followed by "of/on/for/against": "Convention on the Law of the Sea" is a LAW,
# "Ministry of Defense" an ORG, "Gulf of Mexico" a LOC.  ("News of the ..." is not.)
PREFIX_HEADS: dict[str, str] = {}
for _type, _text in {
    "ORG": """Ministry Department Bureau Office Agency University College School Academy
        Institute Institution Bank Council Commission Committee Court Board Association
        Society Federation League Union Party Army Navy Church Museum Hospital Order
        Organization Organisation Foundation Fund Corps Secretariat Tribunal House Houses
        Chamber Senate Assembly Parliament Government Administration Authority Center
        Centre Coalition Alliance Conference""",
    "LAW": "Convention Conventions Treaty Act Agreement Protocol Charter Declaration Statute",
    "EVENT": "Battle Siege Summit War",
    "LOC": "Gulf Sea Bay Strait Straits Cape Mount Mt. Lake Isle Island Islands Straits",
    "GPE": "Republic Kingdom Emirate Principality Commonwealth",
}.items():
    for _w in _text.split():
        PREFIX_HEADS.setdefault(_w, _type)

# Institutions named by one capitalised word ("the Senate", "Congress").
STANDALONE_ORGS = frozenset({"Senate", "Congress", "Parliament"})

# Government bodies that read as "<country>'s Defense Ministry": canonical gets "(Country)".
GOVERNMENT_HEADS = _words(
    "Ministry Department Army Navy Military Government Parliament Embassy Police Cabinet "
    "Forces Guard Office Command Administration"
)

# Common words that often open an organisation's name, even at a sentence start.
NAME_ADJECTIVES = _words(
    "North South East West Northern Southern Eastern Western Central National Federal "
    "International Royal United Democratic Republican Islamic Joint Global World American "
    "European Asian African Arab Free New Great General Supreme High First"
)
# Words that may open a name only as its determiner-less descriptor ("Trilateral").
CONNECTORS = _words("of for on against and")
NAME_PARTICLES = _words("de del della da dos das du van von der den ter bin ibn al el la le y")

# Titles and roles that precede a person's name ("Defense Minister Yasukazu Hamada").
TITLES = _words(
    """President Vice Prime Minister Ministers Secretary Secretary-General Senator Sen. Rep.
    Representative Congressman Congresswoman Gov. Governor Mayor King Queen Prince Princess
    Pope Chancellor Premier Chairman Chairwoman Chair Director Director-General Ambassador
    General Gen. Lt. Col. Maj. Adm. Admiral Commander Capt. Captain Sgt. Sergeant Officer
    Judge Justice Attorney Mr. Mrs. Ms. Dr. Prof. Professor Rev. Reverend Sheriff Chief
    Speaker Leader Deputy Assistant Under Undersecretary Under-Secretary Commissioner
    Spokesman Spokeswoman Spokesperson Envoy Emperor Empress Sultan Sheikh Crown Lord Lady Sir
    Dame Bishop Archbishop Cardinal Father Rabbi Imam Ayatollah Coach Detective Inspector
    Superintendent Marshal Colonel Major Lieutenant Brig. Gens. Sens. Reps. President-elect
    Counselor Adviser Advisor Dean Chancellor Provost Minority Majority Whip Leader Officer
    CEO Founder Trustee Auditor Comptroller Treasurer Clerk Magistrate Consul Attaché
    Senators Governors Counsel Journalist Editor Editor-in-Chief Columnist Anchor Reporter
    Correspondent Commentator Pastor Activist Chairperson Executive Executives"""
)
# Title words that are also plain adjectives inside names ("General Security of ...").
TITLE_MODIFIERS = _words(
    "General Chief Deputy Assistant Vice Under Executive Prime Crown Major Minority Majority "
    "Lady Lord Leader Officer Father Justice Attorney"
)
# Words inside a title phrase ("Secretary of Defense for Indo-Pacific Security Affairs").
TITLE_DOMAIN = (
    _words(
        """Defense Defence National Policy Affairs Security Foreign State Homeland Justice Finance
    Treasury Economy Economic Trade Health Education Energy Interior Commerce Labor Labour
    Agriculture Transportation Transport Veterans Development Intelligence Environment
    Environmental Unification Strategy Strategic Planning Operations Staff Chiefs Joint Party
    Committee General Deputy Assistant Under Vice Chief Executive Public International
    Political Military Naval Air Force Army Navy Marine Marines Corps Space Home Internal
    Information Communications Culture Science Technology Industry Infrastructure Housing
    Urban Rural Social Welfare Human Rights Resources Natural Land Water Ocean Oceans
    Fisheries Maritime Overseas Relations Cooperation Legal Counsel Acquisition Sustainment
    Readiness Personnel Management Budget Reserve Federal Central Supreme High Prime
    Minister Secretary Director President Leader Ambassador Commander Officer Peace House
    Senate Representatives Congress Investigations Pro Tem Tempore Staff Counsel Council
    Commission Department Ministry Agency Bureau Office Administration Services"""
    )
    | TITLES
)

# Lower-case words right before a name that make it a person ("leader Kim Jong Un").
PERSON_CUES_BEFORE = _words(
    """leader counterpart counterparts sister brother wife husband son daughter father mother
    uncle aunt cousin widow spokesman spokeswoman spokesperson lawyer attorney adviser advisor
    aide aides chairman chairwoman president minister secretary senator governor mayor judge
    justice ambassador envoy director chief commander general official analyst professor
    economist researcher journalist reporter correspondent author writer candidate nominee
    founder executive ceo coach star actor actress singer player rapper colleague friend
    successor predecessor rival opponent challenger defendant suspect victim mr. mrs. ms. dr.
    lt. sgt. gen. col. capt. prof. rev. sen. rep. gov. pastor priest bishop deputy assistant
    superintendent premier chancellor king queen prince princess emperor dictator strongman
    commissioner administrator supervisor manager employee staffer inspector detective officer
    son-in-law daughter-in-law girlfriend boyfriend fiancé fiancée partner granddaughter grandson"""
)
# Verbs right after a name that make it a person ("..., Hamada told reporters").
PERSON_CUES_AFTER = _words(
    "said says told added stated explained noted wrote tweeted argued insisted warned "
    "acknowledged admitted asked replied recalled testified declared announced urged vowed "
    "pledged conceded claimed believes thinks"
)
# The cues strong enough to make a lone word a person ("his wife, Margaret").
SINGLE_NAME_CUES = _words(
    """sister brother wife husband son daughter father mother uncle aunt cousin widow
    spokesman spokeswoman spokesperson lawyer attorney mr. mrs. ms. dr. senator governor
    president minister secretary chairman chairwoman speaker mayor judge rep. sen. gov.
    gen. lt. sgt. col. capt. prof. rev. counterpart girlfriend boyfriend"""
)
KINSHIP = _words(
    "sister brother wife husband son daughter father mother uncle aunt cousin widow "
    "family children grandson granddaughter niece nephew spokesman spokeswoman lawyer "
    "attorney aide aides adviser advisers campaign administration"
)
# Generational suffixes kept in a person span but dropped from its key.
NAME_SUFFIXES = _words("Jr. Jr Sr. Sr II III IV V")

# Capitalised function words: they start sentences, they never start a name.
STOP_CAPS = _words(
    """The A An And But Or Nor For So Yet If In On At To From By With Without Into Onto Of
    As Is Are Was Were Be Been Being Has Have Had Do Does Did Will Would Shall Should Can
    Could Might Must This That These Those There Here Then Than When Where Why How What
    Which Who Whom Whose While Although Though Because Since Unless Until After Before During
    About Above Below Over Under Between Among Against Through Throughout Across Around Also
    Still However Meanwhile Moreover Furthermore Nevertheless Nonetheless Instead Indeed
    Thus Hence Therefore Otherwise Besides Accordingly Additionally Consequently Earlier
    Later Last Next First Second Third Finally Now Today Yesterday Tomorrow Tonight Not No
    Yes All Any Both Each Every Few Many Most Much Other Some Such Only Just Even Very
    It Its He His Him She Her Hers They Them Their We Us Our You Your I My Me Mine Ours
    Theirs One Two Three Four Five Six Seven Eight Nine Ten Please Read See Click Share
    According Regarding Concerning Following Including Despite Amid Amidst Upon Via Per
    Like Unlike Within Toward Towards Beyond Near Inside Outside Once Whether Either
    Neither Whatever Whoever Wherever Whenever Let Said Says Say Asked Told Urged Says
    Mr Mrs Ms Dr Sir Madam Dear Hello Thanks Thank Photo Photos Video Videos Image Caption
    Source Sources Update Updated Breaking Exclusive Opinion Editorial Analysis Watch Listen
    Advertisement Sponsored Related Recommended More Less Top New Old Big Small Many"""
)
# Common all-caps words that are not organisations.
NOT_ORG_ACRONYMS = _words(
    """CEO CFO COO CTO GDP GNP DNA RNA HIV AIDS TV AM PM ID OK FAQ USD EUR GBP JPY KRW CNY
    SUV GPS PDF ICBM ICBMs SLBM SLBMs IRBM WMD WMDs LGBT LGBTQ COVID SARS MERS PhD MBA MP MPs
    VIP CCTV URL USB PC AI VR IQ ATM UFO RSS HTML API CD DVD BBQ AKA ASAP FYI LOL NB PS UTC
    GMT EST EDT PST PDT CST CDT KST JST NEWS BREAKING UPDATE UPDATED EXCLUSIVE WATCH LIVE
    VIDEO PHOTO PHOTOS READ MORE SEE ALSO NOTE AP RIP IOU OMG IED IEDs RPG MRI CT ER ICU
    PTSD ADHD CPR BMI ISBN NO YES TBA TBD II III IV VI VII VIII IX XI XII"""
)
# Lower-case words that introduce a literal place: "in Seoul" is the city, not the state.
LITERAL_PLACE_CUES = _words("in at near outside inside around across throughout into within")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
