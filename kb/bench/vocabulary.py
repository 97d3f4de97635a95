"""The scale corpus's vocabulary and sentence templates: plain data, written for the benchmark.

Five municipalities (kommuner) with six committees (nämnder) each, the topics an audit office
(revision) examines, the measures (åtgärder) a committee promises, and short sentence templates
with ``{slots}``. Nothing here is taken from real case documents.
"""

from __future__ import annotations

YEARS = (2010, 2026)

#: kommun -> (the six nämnder that write in it, the diarienummer prefix of each nämnd).
MUNICIPALITIES: dict[str, list[tuple[str, str]]] = {
    "Västerås": [
        ("Kommunstyrelsen", "KS"), ("Socialnämnden", "SN"), ("Förskolenämnden", "FSN"),
        ("Kulturnämnden", "KN"), ("Tekniska nämnden", "TN"), ("Äldrenämnden", "ÄN"),
    ],
    "Linköping": [
        ("Barn- och ungdomsnämnden", "BUN"), ("Miljö- och byggnadsnämnden", "MBN"),
        ("Omsorgsnämnden", "ON"), ("Gymnasienämnden", "GN"), ("Fritidsnämnden", "FN"),
        ("Servicenämnden", "SEN"),
    ],
    "Umeå": [
        ("Individ- och familjeomsorgsnämnden", "IFN"), ("Byggnadsnämnden", "BN"),
        ("Kultur- och fritidsnämnden", "KFN"), ("Utbildningsnämnden", "UN"),
        ("Funktionsstödsnämnden", "FSTN"), ("Miljönämnden", "MN"),
    ],
    "Jönköping": [
        ("Vård- och omsorgsnämnden", "VON"), ("Samhällsbyggnadsnämnden", "SBN"),
        ("Grundskolenämnden", "GSN"), ("Arbetsmarknadsnämnden", "AMN"), ("Trafiknämnden", "TRN"),
        ("Överförmyndarnämnden", "ÖFN"),
    ],
    "Örebro": [
        ("Social- och omsorgsnämnden", "SON"), ("Stadsbyggnadsnämnden", "STBN"),
        ("Fastighetsnämnden", "FAN"), ("Vuxenutbildningsnämnden", "VUN"),
        ("Kretsloppsnämnden", "KRN"), ("Valnämnden", "VN"),
    ],
}

#: Handlingstyper. How often each occurs follows from the generator's cases and documents of
#: their own (``CASE_KINDS`` and ``SINGLE_TYPES`` in kb.bench.generator): about a third remissvar,
#: a quarter yttranden, the rest follow-ups and plans.
DOC_TYPES = ("yttrande", "uppföljande yttrande", "remissvar", "handlingsplan", "uppföljning av handlingsplan")

#: Granskningsområden: what the audit office examined or the plan is about.
TOPICS = [
    "arbetet med psykisk ohälsa bland unga", "styrningen av digitala tjänster",
    "hanteringen av allmänna handlingar", "det systematiska arbetsmiljöarbetet",
    "upphandlingen av skolskjutsar", "tillsynen av livsmedelsverksamheter",
    "arbetet mot ekonomisk brottslighet", "kompetensförsörjningen inom äldreomsorgen",
    "underhållet av kommunala fastigheter", "handläggningen av bygglov",
    "arbetet med barns skolnärvaro", "den interna kontrollen av ekonomin",
    "samverkan kring ensamkommande ungdomar", "informationssäkerheten i verksamhetssystemen",
    "tillgängligheten i kollektivtrafiken", "arbetet med energieffektivisering i lokaler",
    "stödet till personer med funktionsnedsättning", "hanteringen av synpunkter och klagomål",
    "arbetet mot våld i nära relationer", "förebyggandet av fallolyckor hos äldre",
    "kvaliteten i hemtjänsten", "arbetet med nyanländas etablering",
    "vattenförsörjningen vid kris", "kostnadskontrollen i investeringsprojekt",
    "uppföljningen av föreningsbidrag", "arbetet med barnkonventionen i skolan",
    "skötseln av parker och grönområden", "hanteringen av personuppgifter",
    "beredskapen för extrema väderhändelser", "arbetet med läsfrämjande insatser",
    "rekryteringen av behöriga lärare", "avfallshanteringen i flerbostadshus",
    "ärendehanteringen inom överförmyndarverksamheten", "tryggheten i offentlig miljö",
    "arbetet med hållbara måltider", "stödet till anhöriga som vårdar",
    "utbetalningen av ekonomiskt bistånd", "användningen av konsulter",
    "bemanningen inom förskolan", "klimatanpassningen av bebyggelsen",
    "lokalförsörjningen för grundskolan", "hanteringen av bostadsanpassningsbidrag",
    "tillsynen av enskilda avlopp", "vinterväghållningen på gång- och cykelvägar",
    "arbetet med trafiksäkerhet kring skolor", "styrningen av kommunala bolag",
    "hanteringen av representation och gåvor", "avtalstroheten vid inköp",
    "förvaltningen av konstsamlingen", "driften av idrottsanläggningar",
    "serveringstillstånden för alkohol", "handläggningen av färdtjänst",
    "suicidpreventionen bland äldre", "elevhälsans förebyggande arbete",
    "introduktionen av nyanställda sjuksköterskor", "läkemedelshanteringen i särskilt boende",
    "beredskapen för elavbrott", "skyddet av dricksvattentäkter",
    "hyresavtalen för externa lokaler", "kontrollen av leverantörsfakturor",
    "matsvinnet i skolkök", "tillgången till bredband på landsbygden",
    "kulturskolans avgifter och köer", "fritidsgårdarnas öppettider",
    "myndighetsutövningen inom miljötillsyn", "uppföljningen av privata utförare",
    "mottagandet av orosanmälningar", "skuldsaneringen och budgetrådgivningen",
    "detaljplaneprocessens handläggningstider", "bibliotekens digitala utbud",
    "tolkförmedlingen i vård och omsorg", "sophämtningens taxor",
    "omställningen till fossilfria fordon", "dokumentationen i socialtjänstens journaler",
    "ersättningarna till förtroendevalda", "arkivvården i förvaltningarna",
    "korttidsboendet för barn med funktionsnedsättning", "ungdomarnas feriearbeten",
    "parkeringsövervakningen i centrum", "integritetsskyddet i kameraövervakningen",
]

#: Åtgärder: what a committee promises to do (an infinitive phrase).
MEASURES = [
    "ta fram en rutin för uppföljning av avvikelser", "införa ett gemensamt ärendesystem",
    "utbilda samtliga chefer i arbetsmiljölagstiftningen", "genomföra en riskanalys av verksamheten",
    "se över delegationsordningen", "tydliggöra ansvarsfördelningen mellan enheterna",
    "inrätta en samordnande funktion", "revidera riktlinjerna för dokumentation",
    "följa upp handläggningstiderna varje månad", "genomföra en brukarundersökning",
    "ta fram nyckeltal för kvalitet och kostnad", "införa digitala signeringar",
    "samla in synpunkter från medborgarna", "upprätta en plan för kompetensutveckling",
    "granska avtalen med externa leverantörer", "förbättra rapporteringen till nämnden",
    "kartlägga behovet av stödinsatser", "införa stickprovskontroller av utbetalningar",
    "uppdatera informationen på webbplatsen", "stärka samverkan med regionen",
    "genomföra en extern utvärdering", "utveckla metoder för tidig upptäckt",
    "införa en checklista för introduktion av nyanställda", "minska sjukfrånvaron",
    "upprätta en handlingsplan för tillgänglighet", "förtydliga processen för internkontroll",
    "inventera beståndet av lokaler", "utreda förutsättningarna för samlokalisering",
    "ta fram en kommunikationsplan", "prioritera förebyggande insatser",
]

#: Who does the work (aktör): förvaltningen, nämnden or a named unit.
ACTORS = [
    "förvaltningen", "nämnden", "förvaltningsledningen", "ekonomiavdelningen",
    "kvalitetsenheten", "HR-avdelningen", "verksamhetsområdet", "stadsledningskontoret",
]

#: Grupper the work is for.
GROUPS = [
    "barn och unga", "äldre personer", "medarbetare", "vårdnadshavare", "företagare",
    "föreningar", "brukare", "elever", "nyanlända", "hyresgäster",
]

#: Tidpunkter as phrases; ``{y}`` is a year.
DEADLINES = [
    "Under hösten {y}", "Under våren {y}", "Senast den 30 september {y}", "Innan sommaren {y}",
    "Under första halvåret {y}", "Under andra kvartalet {y}", "Till årsskiftet {y}",
    "Senast i december {y}",
]

# -- sentence templates ----------------------------------------------------------------------
# Slots: {committee} {committee_gen} (genitive) {admin} {municipality} {topic} {measure}
# {measure2} {actor} {group} {year} {deadline} {auditor}.

AUDITORS = ["revisionen", "stadsrevisionen", "de förtroendevalda revisorerna", "kommunrevisionen"]

SUMMARY = [
    "{auditor_cap} har under {year} granskat {topic} inom {committee_gen} ansvarsområde.",
    "Den sammanfattande bedömningen är att nämnden delvis har en ändamålsenlig styrning av {topic}.",
    "{committee} välkomnar granskningen och delar i stora delar revisionens bedömning.",
    "Granskningen ger ett värdefullt underlag för det fortsatta utvecklingsarbetet.",
    "I yttrandet redovisas vilka åtgärder som har vidtagits och vilka som planeras.",
    "Förvaltningen bedömer att flera av iakttagelserna redan omhändertas i pågående arbete.",
    "Nämnden föreslås godkänna yttrandet och skicka det till {auditor}.",
]

MATTER = [
    "{auditor_cap} har lämnat rekommendationer till nämnden som ska besvaras inom tre månader.",
    "Granskningen har genomförts genom intervjuer med tjänstepersoner och genom dokumentstudier.",
    "Av rapporten framgår att rutinerna för {topic} inte är kända i hela organisationen.",
    "Nämnden ska i sitt svar redovisa vilka åtgärder som ska genomföras och när de ska vara klara.",
    "Arbetet berör främst {group} och de medarbetare som möter dem i vardagen.",
    "Förvaltningen har gått igenom rapporten tillsammans med berörda chefer.",
    "Iakttagelserna har även diskuterats i förvaltningens ledningsgrupp.",
]

RESPONSE = [
    "Nämnden instämmer i rekommendationen och ser behovet av ett mer enhetligt arbetssätt.",
    "{actor_cap} har redan påbörjat arbetet med att {measure}.",
    "{deadline} kommer {actor} att {measure}.",
    "Därutöver ska {actor} {measure2} för att nå {group}.",
    "Arbetet följs upp i nämndens internkontrollplan för {year}.",
    "Resultatet redovisas för nämnden i samband med verksamhetsberättelsen.",
    "Ansvarig för åtgärden är förvaltningsdirektören.",
    "Åtgärden bedöms kunna genomföras inom befintlig budgetram.",
    "En arbetsgrupp med representanter från flera enheter har tillsatts.",
]

FOLLOW_UP = [
    "Åtgärden är genomförd och rutinen har implementerats i samtliga verksamheter.",
    "Arbetet pågår och beräknas vara klart under {year}.",
    "{actor_cap} har under året genomfört insatser för att {measure}.",
    "En första uppföljning visar att andelen avvikelser har minskat.",
    "Arbetet har försenats på grund av vakanser men återupptas {deadline_lc}.",
    "Nämnden bedömer att rekommendationen är omhändertagen.",
    "Resultaten har redovisats för {auditor} vid ett uppföljningsmöte.",
    "Fortsatt arbete sker inom ramen för den ordinarie verksamhetsplaneringen.",
]

REFERRAL = [
    "Kommunstyrelsen har remitterat förslaget till {committee_def} för yttrande.",
    "Förslaget syftar till att förbättra {topic} i hela {municipality}.",
    "Förvaltningen är positiv till förslagets inriktning men ser vissa risker.",
    "Ett genomförande kräver att ansvaret mellan nämnderna tydliggörs.",
    "Förslaget bedöms påverka {group} i positiv riktning.",
    "De ekonomiska konsekvenserna behöver utredas vidare innan beslut fattas.",
    "Förvaltningen föreslår att remissen besvaras med detta tjänsteutlåtande.",
    "Samråd har skett med de fackliga organisationerna.",
]

PLAN = [
    "Handlingsplanen gäller för perioden {year}–{year3} och omfattar hela förvaltningen.",
    "Syftet är att stärka {topic} och att {measure}.",
    "Planen har tagits fram i dialog med {group} och med berörda verksamheter.",
    "Varje aktivitet har en ansvarig chef och en tidpunkt för genomförande.",
    "{deadline} ska {actor} {measure2}.",
    "Aktiviteterna följs upp två gånger per år och redovisas för nämnden.",
    "Arbetet ska bidra till kommunfullmäktiges mål om en trygg och hållbar kommun.",
    "Inriktningsmålen bygger på nationella riktlinjer och lokala behov.",
]

SENT_TO = ["Stadsrevisionen", "Kommunstyrelsen", "Revisionskontoret", "Kommunfullmäktige"]

#: Rekommendationer from the audit office (the text after "Rekommendation N: ").
RECOMMENDATIONS = [
    # Each names the audit's subject, as real ones do, and says little else (one content word):
    # two audits of one committee on two subjects get two sets of recommendations and two cases,
    # not one list of ten shared by all (which made every committee one case of hundreds).
    "Säkerställ rutiner för {topic}",
    "Säkerställ att nämnden informeras om {topic}",
    "Se över ansvarsfördelningen för {topic}",
    "Säkerställ en riskanalys av {topic}",
    "Utveckla internkontrollen av {topic}",
    "Säkerställ kompetensen för {topic}",
    "Tydliggör delegationen för {topic}",
    "Förbättra samverkan om {topic}",
    "Säkerställ målstyrningen av {topic}",
    "Se till att avvikelser i {topic} följs upp",
]

#: Inriktningsmål in a handlingsplan.
GOALS = [
    "Fler {group} ska få stöd i rätt tid",
    "Verksamheten ska präglas av hög kvalitet och trygghet",
    "Medarbetarna ska ha goda förutsättningar i sitt uppdrag",
    "Kommunens resurser ska användas effektivt",
    "Samverkan ska vara ett naturligt arbetssätt",
    "Information till {group} ska vara tydlig och tillgänglig",
]
