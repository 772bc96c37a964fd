"""Word lists for the demonstration caseload: a West Yorkshire practice's people and places.

Telephone numbers are in Ofcom's ranges reserved for drama (0113 496 0xxx, 07700 900xxx)
and e-mail domains are the reserved example ones, so no demo letter reaches anyone.
"""

from __future__ import annotations

from console.rules.vocab import ResourceKind, Role

PRACTICE = {
    "name": "Moorside Surgery (DEMO)",
    "address": "14 Moorside Road, Bramley, Leeds LS13 2RJ",
    "phone": "0113 496 0000",
    "email": "moorside.surgery@example.org",
    "ods_code": "B86001",
    "signature": "Dr Aisha Rahman, GP partner, for the Moorside recovery team",
}

# (login, name, roles); keyworkers are the recovery workers.
STAFF = (
    ("demo.arahman", "Dr Aisha Rahman", Role.CLINICIAN),
    ("demo.thargreaves", "Dr Tom Hargreaves", Role.CLINICIAN),
    ("demo.skelly", "Siobhán Kelly (NMP)", Role.CLINICIAN),
    ("demo.kross", "Karen Ross", Role.RECOVERY_WORKER),
    ("demo.mbell", "Marcus Bell", Role.RECOVERY_WORKER),
    ("demo.pnair", "Priya Nair", Role.RECOVERY_WORKER),
    ("demo.lnowicki", "Łukasz Nowicki", Role.RECOVERY_WORKER),
    ("demo.gsutcliffe", "Gemma Sutcliffe", Role.RECOVERY_WORKER),
    ("demo.jpickles", "Julie Pickles", Role.RECEPTION),
)

# (kind, name, where, when, contact)
RESOURCES = (
    (
        ResourceKind.SMART,
        "SMART Recovery Bramley",
        "Bramley Community Centre, Waterloo Lane, LS13 2JB",
        "Tuesdays 18:00–19:30",
        "Facilitator: 0113 496 0101",
    ),
    (
        ResourceKind.SMART,
        "SMART Recovery online (evening)",
        "Online (link from keyworker)",
        "Thursdays 19:00–20:30",
        "smart.online@example.org",
    ),
    (
        ResourceKind.NA,
        "Narcotics Anonymous: Just for Today, Armley",
        "St Bartholomew's church hall, Armley Ridge Road, LS12 3LE",
        "Mondays and Fridays 19:30",
        "NA helpline 0300 999 1212",
    ),
    (
        ResourceKind.CA,
        "Cocaine Anonymous: Leeds City Hope",
        "Quaker Meeting House, Woodhouse Lane, LS2 9JT",
        "Wednesdays 19:00",
        "CA helpline 0800 612 0225",
    ),
    (
        ResourceKind.AA,
        "Alcoholics Anonymous: Pudsey Saturday Morning",
        "Methodist church, Lidget Hill, Pudsey LS28 7LG",
        "Saturdays 10:30",
        "AA helpline 0800 917 7650",
    ),
    (
        ResourceKind.FAMILY_SUPPORT,
        "Families Together Leeds",
        "Recovery Hub, 12 Marsh Lane, LS9 8AB",
        "Thursdays 18:00–19:30",
        "0113 496 0140",
    ),
    (
        ResourceKind.RECOVERY_COMMUNITY,
        "The Lighthouse Recovery Café",
        "3 Town Street, Bramley, LS13 2EN",
        "Tuesday–Saturday 10:00–16:00",
        "0113 496 0155",
    ),
    (
        ResourceKind.HOUSING,
        "Leeds Housing Options drop-in",
        "Merrion House, Merrion Way, LS2 8BB",
        "Monday–Friday 09:00–17:00",
        "0113 496 0170",
    ),
    (
        ResourceKind.EMPLOYMENT,
        "Pathways to Work: recovery employment support",
        "Recovery Hub, 12 Marsh Lane, LS9 8AB",
        "Wednesdays 10:00–13:00 drop-in",
        "0113 496 0185",
    ),
    (
        ResourceKind.OTHER,
        "Breaking Free Online",
        "Online, access code from keyworker",
        "Any time",
        "support@example.org",
    ),
)

# Names by origin, weighted by repetition: (families, men's names, women's names).
# fmt: off
BRITISH = (
    ("Smith", "Smith", "Smith", "Smith", "Jones", "Jones", "Taylor", "Taylor", "Brown", "Brown",
     "Wilson", "Walker", "Walker", "Wood", "Robinson", "Thompson", "Wright", "Hall", "Green",
     "Clarke", "Jackson", "White", "Hughes", "Shaw", "Lee", "Harrison", "Bennett", "Turner",
     "Hargreaves", "Sutcliffe", "Ackroyd", "Holroyd", "Greenwood", "Haigh", "Crabtree",
     "Pickles", "Barraclough", "Murgatroyd", "Firth", "Priestley", "Lister", "Dobson",
     "Bairstow", "Sykes", "Atkinson", "Marsden", "Hirst", "Hepworth", "Webster", "Evans",
     "Davies", "Williams", "Roberts", "Edwards", "Campbell", "Stewart", "Ferguson",
     "Hughes-Lister", "Smith-Barker", "Campbell-Clarke"),
    ("David", "Paul", "Mark", "Andrew", "Michael", "Daniel", "Christopher", "James", "John",
     "Lee", "Craig", "Darren", "Wayne", "Jason", "Stuart", "Gary", "Steven", "Dean", "Ryan",
     "Liam", "Jamie", "Scott", "Adam", "Carl", "Richard", "Matthew", "Thomas", "Kyle",
     "Shaun", "Kevin"),
    ("Sarah", "Emma", "Claire", "Nicola", "Lisa", "Michelle", "Kelly", "Donna", "Joanne",
     "Gemma", "Stacey", "Leanne", "Natalie", "Rebecca", "Laura", "Jade", "Amy", "Hayley",
     "Kirsty", "Tracey", "Louise", "Samantha", "Rachel", "Charlotte", "Danielle", "Sophie",
     "Zoë", "Lorraine", "Dawn", "Mandy", "Julie-Anne"),
)
SOUTH_ASIAN = (
    ("Patel", "Khan", "Khan", "Hussain", "Hussain", "Ahmed", "Ali", "Akhtar", "Mahmood",
     "Shah", "Iqbal", "Rashid", "Rahman", "Chaudhry", "Kaur", "Singh"),
    ("Imran", "Mohammed", "Asif", "Tariq", "Rizwan", "Sanjay", "Ravi", "Harpreet", "Zahid"),
    ("Nadia", "Ayesha", "Farzana", "Shazia", "Priya", "Simran", "Rukhsana"),
)
IRISH = (
    ("O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "McDonald", "Murphy", "Kelly",
     "Ó Súilleabháin", "Mac Suibhne", "Mac Aodha", "Gallagher", "Doherty"),
    ("Seán", "Ciarán", "Pádraig", "Declan", "Conor", "Eoin"),
    ("Siobhán", "Aoife", "Niamh", "Bríd", "Róisín", "Caitríona"),
)
CENTRAL_EUROPEAN = (
    ("Kowalczyk", "Nowak", "Wiśniewski", "Kowalski", "Lewandowski", "Wójcik", "Zieliński",
     "Dąbrowski", "Horváth", "Müller", "Novák", "Popescu", "Petrović"),
    ("Piotr", "Łukasz", "Tomasz", "Krzysztof", "Jiří", "Andrzej", "Darius", "Zoltán"),
    ("Małgorzata", "Agnieszka", "Kasia", "Anaïs", "Renée", "Chloé", "Zsófia"),
)
CARIBBEAN = (
    ("Francis", "Henry", "Campbell", "Brown", "Grant", "Morgan", "Reid", "Thomas"),
    ("Winston", "Delroy", "Marlon", "Clive", "Errol"),
    ("Marcia", "Paulette", "Sonia", "Yvonne", "Beverley"),
)
ORIGINS = (BRITISH,) * 14 + (SOUTH_ASIAN, IRISH, CENTRAL_EUROPEAN) * 2 + (CARIBBEAN,)
FAMILY = tuple(name for origin in ORIGINS for name in origin[0])
MALE = tuple(name for origin in ORIGINS for name in origin[1])
FEMALE = tuple(name for origin in ORIGINS for name in origin[2])

# (town, postcode districts, areas) in West Yorkshire, weighted to the practice's Leeds.
PLACES = (
    ("Leeds", ("LS13", "LS12", "LS11", "LS10", "LS9", "LS8", "LS7", "LS6", "LS14", "LS15",
               "LS28", "LS27", "LS4", "LS5"),
     ("Bramley", "Armley", "Beeston", "Hunslet", "Harehills", "Chapeltown", "Seacroft",
      "Kirkstall", "Headingley", "Holbeck", "Pudsey", "Stanningley", "Swinnow", "Farnley")),
    ("Leeds", ("LS13", "LS12", "LS28"), ("Bramley", "Rodley", "Swinnow", "Armley")),
    ("Bradford", ("BD1", "BD3", "BD4", "BD5", "BD7", "BD8", "BD9", "BD10"),
     ("Manningham", "Girlington", "Little Horton", "Bowling", "Thornbury", "Eccleshill")),
    ("Wakefield", ("WF1", "WF2"), ("Belle Vue", "Eastmoor", "Lupset", "Agbrigg")),
    ("Huddersfield", ("HD1", "HD2", "HD4"), ("Deighton", "Dalton", "Lockwood")),
    ("Halifax", ("HX1", "HX3"), ("Pellon", "Mixenden", "Ovenden")),
    ("Dewsbury", ("WF12", "WF13"), ("Ravensthorpe", "Savile Town", "Thornhill Lees")),
    ("Castleford", ("WF10",), ("Airedale", "Glasshoughton", "Whitwood")),
)

STREETS = (
    "Moorside Road", "Town Street", "Stanningley Road", "Tong Road", "Kirkstall Lane",
    "Harehills Lane", "Roundhay Road", "Dewsbury Road", "Beeston Road", "Bradford Road",
    "Leeds Road", "Manningham Lane", "Otley Road", "Chapel Street", "Mill Lane",
    "Albion Street", "Church Lane", "Park View", "Victoria Road", "Station Road",
    "Hough Lane", "Broad Lane", "Raynville Road", "Gamble Hill Drive", "Ings Road",
    "Westfield Terrace", "Back Nook Road", "Greenside", "Cavendish Street", "Wyther Lane",
)

# Inward postcode letters: never C, I, K, M, O or V.
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

PHARMACIES = (
    "Bramley Lane Pharmacy", "Town Street Chemist", "Armley Road Pharmacy",
    "Beeston Hill Pharmacy", "Harehills Corner Pharmacy", "Seacroft Green Pharmacy",
    "Kirkstall Bridge Pharmacy", "Moorside Pharmacy", "Pudsey Market Chemist",
    "Hunslet Health Pharmacy", "Manningham Pharmacy, Bradford", "Westgate Chemist, Wakefield",
)
# The pharmacy directory: each name's postal address (line, town, postcode) and phone.
PHARMACY_ADDRESSES = (
    ("212 Bramley Lane", "Leeds", "LS13 3DX", "0113 496 0101"),
    ("48 Town Street", "Leeds", "LS12 3AB", "0113 496 0102"),
    ("131 Armley Road", "Leeds", "LS12 2QW", "0113 496 0103"),
    ("9 Beeston Hill Parade", "Leeds", "LS11 8BS", "0113 496 0104"),
    ("2 Harehills Corner", "Leeds", "LS8 3DD", "0113 496 0105"),
    ("17 Seacroft Green", "Leeds", "LS14 6JD", "0113 496 0106"),
    ("75 Kirkstall Bridge Road", "Leeds", "LS5 3BW", "0113 496 0107"),
    ("4 Moorside Parade", "Leeds", "LS13 2RT", "0113 496 0108"),
    ("33 Market Place", "Pudsey", "LS28 7AA", "0113 496 0109"),
    ("118 Hunslet Road", "Leeds", "LS10 1JQ", "0113 496 0110"),
    ("61 Lumb Lane", "Bradford", "BD8 7QU", "01274 496 011"),
    ("26 Westgate", "Wakefield", "WF1 1JY", "01924 496 012"),
)

REFERRALS = (
    "self", "self", "self", "GP", "GP", "probation", "hospital (A&E)", "criminal justice (DRR)",
    "specialist service", "family member", "homeless outreach", "prison release",
)

RELATIONSHIPS = (
    "mother", "mother", "father", "partner", "partner", "sister", "brother", "son",
    "daughter", "grandmother", "aunt", "friend",
)
# fmt: on
WOMEN = frozenset({"mother", "sister", "daughter", "grandmother", "aunt"})
EITHER = frozenset({"partner", "friend"})

# Short, as clinicians write them (the rationale is mandatory for continue_maintenance).
CONTINUE_RATIONALE = (
    "Stable, no illicit use; continue and review in 6 months.",
    "Not ready to reduce; maintenance protects against overdose.",
    "Some illicit use; continue with supervised consumption.",
    "Working now; wants a steady dose for the time being.",
    "Recent bereavement; no change for six months.",
    "Attending mutual aid; plan a slow taper after the summer.",
)

GOALS = {
    "substance_use": (
        (
            "Stop using heroin on top of my script",
            "Keep to prescribed dose; talk to keyworker if cravings",
        ),
        ("Come off methadone slowly when I'm ready", "Agree a reduction plan at next review"),
        ("Cut down on crack", "Use the cravings plan; attend CA once a week"),
        ("Drink no more than 14 units a week", "Drink diary; alcohol-free days"),
    ),
    "physical_health": (
        ("Get my hep C sorted", "Book bloods with practice nurse; referral to treatment"),
        ("Get my teeth fixed", "Register with an NHS dentist"),
    ),
    "mental_health": (
        ("Feel less anxious", "Self-refer to Leeds Mindwell talking therapies"),
        ("Sleep better", "Sleep hygiene plan; review with GP"),
    ),
    "housing": (
        ("Get my own flat", "Housing Options appointment; bidding on Leeds Homes"),
        ("Keep my tenancy", "Set up rent payments from Universal Credit"),
    ),
    "employment_education_training": (
        ("Do a forklift licence", "Pathways to Work referral"),
        ("Get back into work part-time", "CV session; volunteering at the recovery café"),
    ),
    "family_relationships": (
        ("See my kids every weekend", "Contact centre visits; letter to social worker"),
        ("Get on better with my mum", "Invite mum to family support group"),
    ),
    "mutual_aid_peer_support": (
        ("Go to a SMART meeting every week", "Keyworker to introduce to a peer who attends"),
        ("Find an NA sponsor", "Attend Just for Today meeting; ask about sponsorship"),
    ),
    "offending": (("Stay out of trouble with the police", "Keep probation appointments"),),
    "finances_benefits": (("Sort out my debts", "Citizens Advice appointment; budgeting plan"),),
    "overdose_harm_reduction": (
        ("Keep naloxone on me", "Naloxone kit and training for partner"),
        ("Never use alone", "Overdose plan; buddy system"),
    ),
}

STATUS_NOTES = {
    "in_progress": "Started working on this.",
    "achieved": "Done, well done.",
    "dropped": "No longer a priority for the patient.",
    "not_started": "Not started yet; agreed to keep it.",
}

CORROBORATION = (
    ("pharmacy", "Collecting as prescribed; no missed doses reported this month."),
    ("pharmacy", "Missed two pick-ups last fortnight; otherwise regular."),
    ("keyworker", "Attending appointments; engaging well with recovery café."),
    ("family_member", "Mum says things are much calmer at home."),
    ("specialist_service", "Attended the hepatitis C clinic; treatment started."),
)

RATIONALE = {
    "reduce": "Stable six months and asks to come down; reduce.",
    "increase": "Using on top most days; increase to hold.",
    "detoxify": "Agreed detoxification towards completion.",
    "switch": "Switch to prolonged-release injection: fewer pharmacy visits.",
}
