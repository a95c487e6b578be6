"""Static tables for the sample-data generator: locales, nicknames, titles, mail text.

Nothing here is random; `_pools` and `_people` draw from these tables with a seeded RNG.
Kept apart from the logic so the tables can grow without touching the code.
"""
from __future__ import annotations

#: faker locale -> share of the people (en_US dominates, like a US user's address book).
LOCALE_WEIGHTS: dict[str, float] = {
    "en_US": 0.58,
    "en_GB": 0.09,
    "de_DE": 0.07,
    "fr_FR": 0.06,
    "es_ES": 0.05,
    "it_IT": 0.04,
    "pl_PL": 0.03,
    "pt_BR": 0.03,
    "ja_JP": 0.025,
    "zh_CN": 0.025,
}

#: locale -> (country name as address books write it, ISO code, top-level domain for companies)
COUNTRY: dict[str, tuple[str, str, str]] = {
    "en_US": ("United States", "US", "com"),
    "en_GB": ("United Kingdom", "GB", "co.uk"),
    "de_DE": ("Germany", "DE", "de"),
    "fr_FR": ("France", "FR", "fr"),
    "es_ES": ("Spain", "ES", "es"),
    "it_IT": ("Italy", "IT", "it"),
    "pl_PL": ("Poland", "PL", "pl"),
    "pt_BR": ("Brazil", "BR", "com.br"),
    "ja_JP": ("Japan", "JP", "co.jp"),
    "zh_CN": ("China", "CN", "cn"),
}

#: Formal given name -> (gender, nicknames). Gender "m"/"f" lets the people builder pick a
#: formal name that fits; the first nickname is the most common one.
NICKNAMES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "en": {
        "Robert": ("m", ("Bob", "Rob", "Bobby")),
        "William": ("m", ("Bill", "Will", "Billy")),
        "James": ("m", ("Jim", "Jimmy", "Jamie")),
        "Michael": ("m", ("Mike", "Mikey")),
        "Christopher": ("m", ("Chris",)),
        "Alexander": ("m", ("Alex",)),
        "David": ("m", ("Dave",)),
        "Thomas": ("m", ("Tom", "Tommy")),
        "Richard": ("m", ("Rick", "Rich", "Dick")),
        "Joseph": ("m", ("Joe", "Joey")),
        "Daniel": ("m", ("Dan", "Danny")),
        "Matthew": ("m", ("Matt",)),
        "Anthony": ("m", ("Tony",)),
        "Edward": ("m", ("Ed", "Eddie", "Ted")),
        "Jonathan": ("m", ("Jon",)),
        "Nicholas": ("m", ("Nick",)),
        "Benjamin": ("m", ("Ben",)),
        "Steven": ("m", ("Steve",)),
        "Andrew": ("m", ("Andy", "Drew")),
        "Timothy": ("m", ("Tim",)),
        "Kenneth": ("m", ("Ken",)),
        "Charles": ("m", ("Charlie", "Chuck")),
        "Gregory": ("m", ("Greg",)),
        "Jeffrey": ("m", ("Jeff",)),
        "Samuel": ("m", ("Sam",)),
        "Zachary": ("m", ("Zach",)),
        "Ronald": ("m", ("Ron",)),
        "Lawrence": ("m", ("Larry",)),
        "Raymond": ("m", ("Ray",)),
        "Peter": ("m", ("Pete",)),
        "Philip": ("m", ("Phil",)),
        "Douglas": ("m", ("Doug",)),
        "Elizabeth": ("f", ("Liz", "Beth", "Lizzie", "Betsy")),
        "Katherine": ("f", ("Kate", "Katie", "Kathy")),
        "Catherine": ("f", ("Cathy", "Cat", "Kate")),
        "Jennifer": ("f", ("Jen", "Jenny")),
        "Samantha": ("f", ("Sam",)),
        "Margaret": ("f", ("Maggie", "Meg", "Peggy")),
        "Patricia": ("f", ("Pat", "Patty", "Trish")),
        "Susan": ("f", ("Sue", "Susie")),
        "Rebecca": ("f", ("Becky", "Becca")),
        "Deborah": ("f", ("Debbie", "Deb")),
        "Victoria": ("f", ("Vicky", "Tori")),
        "Jessica": ("f", ("Jess",)),
        "Abigail": ("f", ("Abby",)),
        "Kimberly": ("f", ("Kim",)),
        "Pamela": ("f", ("Pam",)),
        "Christina": ("f", ("Chris", "Tina")),
        "Alexandra": ("f", ("Alex", "Lexi")),
    },
    "de": {
        "Alexander": ("m", ("Alex",)),
        "Christian": ("m", ("Chris",)),
        "Maximilian": ("m", ("Max",)),
        "Johannes": ("m", ("Hannes",)),
        "Thomas": ("m", ("Tom",)),
        "Katharina": ("f", ("Kathi",)),
        "Elisabeth": ("f", ("Lisa", "Lis")),
        "Franziska": ("f", ("Franzi",)),
    },
    "fr": {
        "Alexandre": ("m", ("Alex",)),
        "Nicolas": ("m", ("Nico",)),
        "Christophe": ("m", ("Chris",)),
        "Frédéric": ("m", ("Fred",)),
        "Catherine": ("f", ("Cathy",)),
        "Stéphanie": ("f", ("Steph",)),
    },
    "es": {
        "José": ("m", ("Pepe",)),
        "Francisco": ("m", ("Paco", "Pancho")),
        "Ignacio": ("m", ("Nacho",)),
        "Manuel": ("m", ("Manolo",)),
        "Alejandro": ("m", ("Álex",)),
        "Dolores": ("f", ("Lola",)),
        "Guadalupe": ("f", ("Lupe",)),
    },
    "it": {
        "Giuseppe": ("m", ("Beppe", "Peppe")),
        "Giovanni": ("m", ("Gianni",)),
        "Alessandro": ("m", ("Sandro", "Ale")),
        "Francesca": ("f", ("Franci",)),
    },
    "pl": {
        "Wojciech": ("m", ("Wojtek",)),
        "Tomasz": ("m", ("Tomek",)),
        "Krzysztof": ("m", ("Krzysiek",)),
        "Aleksander": ("m", ("Olek",)),
        "Katarzyna": ("f", ("Kasia",)),
        "Małgorzata": ("f", ("Gosia",)),
        "Magdalena": ("f", ("Magda",)),
        "Aleksandra": ("f", ("Ola",)),
    },
    "pt": {
        "Eduardo": ("m", ("Edu",)),
        "Francisco": ("m", ("Chico",)),
        "Fernando": ("m", ("Nando",)),
        "José": ("m", ("Zé",)),
        "Gabriela": ("f", ("Gabi",)),
    },
}

#: Chinese names with their pinyin (faker's zh_CN has no romanisation paired with the characters).
ZH_SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("高", "Gao"),
    ("林", "Lin"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"),
)
ZH_GIVEN_M: tuple[tuple[str, str], ...] = (
    ("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("勇", "Yong"), ("杰", "Jie"),
    ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("刚", "Gang"), ("建华", "Jianhua"),
    ("晓明", "Xiaoming"), ("志强", "Zhiqiang"), ("浩然", "Haoran"), ("子轩", "Zixuan"),
)
ZH_GIVEN_F: tuple[tuple[str, str], ...] = (
    ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("艳", "Yan"),
    ("娟", "Juan"), ("霞", "Xia"), ("秀英", "Xiuying"), ("桂英", "Guiying"), ("海燕", "Haiyan"),
    ("雨涵", "Yuhan"), ("欣怡", "Xinyi"), ("梓涵", "Zihan"), ("婷", "Ting"),
)
#: A few English given names Chinese colleagues often use at work ("Kevin Wang").
ZH_WESTERN_NAMES: tuple[str, ...] = ("Kevin", "Jason", "Eric", "Tony", "Vivian", "Grace", "Cindy", "Jack")

#: Professional titles (English: LinkedIn positions are mostly English even outside the US).
SENIORITY: tuple[str, ...] = ("", "", "", "Senior ", "Senior ", "Lead ", "Principal ", "Staff ", "Junior ")
FUNCTIONS: tuple[tuple[str, str], ...] = (
    ("Software Engineer", "Engineering"), ("Backend Engineer", "Engineering"),
    ("Frontend Developer", "Engineering"), ("Data Scientist", "Data"), ("Data Engineer", "Data"),
    ("Product Manager", "Product"), ("Product Designer", "Design"), ("UX Researcher", "Design"),
    ("Account Executive", "Sales"), ("Sales Manager", "Sales"), ("Marketing Manager", "Marketing"),
    ("Content Strategist", "Marketing"), ("Recruiter", "People"), ("HR Business Partner", "People"),
    ("Financial Analyst", "Finance"), ("Controller", "Finance"), ("Consultant", "Consulting"),
    ("Project Manager", "Operations"), ("Operations Manager", "Operations"),
    ("Customer Success Manager", "Customer Success"), ("Solutions Architect", "Engineering"),
    ("Security Engineer", "Security"), ("Legal Counsel", "Legal"), ("Business Analyst", "Operations"),
)
EXECUTIVE_TITLES: tuple[tuple[str, str], ...] = (
    ("VP of Engineering", "Engineering"), ("Director of Sales", "Sales"), ("Head of Marketing", "Marketing"),
    ("CTO", "Executive"), ("Chief Operating Officer", "Executive"), ("Engineering Manager", "Engineering"),
    ("Director of Product", "Product"), ("Head of Data", "Data"),
)

#: The user's employers over time (fictional names): current, previous, the one before.
MY_EMPLOYERS: tuple[tuple[str, str], ...] = (
    ("Northwind Analytics", "northwind-analytics.com"),
    ("Acme Corp", "acme-corp.com"),
    ("Fabrikam Labs", "fabrikam-labs.com"),
)
ME_NAME = "Alex Morgan"
ME_EMAIL = "alex.morgan@example.net"

#: Personal mail domains (reserved example domains only).
PERSONAL_DOMAINS: tuple[str, ...] = (
    "example.com", "example.com", "example.net", "example.org", "mail.example.com",
    "inbox.example.net", "post.example.org",
)

#: Role accounts kept as contacts: (local part, display name pattern, label), {org} = company.
ROLE_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("info", "{org}"), ("sales", "{org} Sales"), ("noreply", ""), ("support", "{org} Support"),
    ("billing", "{org} Billing"), ("hello", "{org}"), ("no-reply", "{org}"), ("office", "{org} Office"),
    ("careers", "{org} Careers"), ("team", "{org} Team"),
)
NEWSLETTERS: tuple[tuple[str, str], ...] = (
    ("Weekly Dev Digest", "devdigest"), ("The Product Letter", "productletter"),
    ("Data Science Roundup", "dsroundup"), ("Morning Markets", "morningmarkets"),
    ("Remote Work Weekly", "remoteweekly"), ("Design Notes", "designnotes"),
    ("Startup Brief", "startupbrief"), ("Cloud Native News", "cloudnative"),
)

#: Where one meets people (for contact notes and mail subjects).
EVENTS: tuple[str, ...] = (
    "PyCon US 2019", "PyCon US 2023", "re:Invent 2022", "KubeCon EU 2024", "Web Summit 2021",
    "the Strata meetup", "Data Council 2025", "the Berlin Python meetup", "SaaStr Annual 2024",
    "DevOpsDays London", "a friend's wedding", "the alumni dinner", "the hackathon in Austin",
    "JSConf EU", "the product leaders breakfast",
)

#: Google Contacts custom labels and Outlook categories.
GOOGLE_CUSTOM_LABELS: tuple[str, ...] = ("Friends", "Family", "Work", "Coworkers", "Conference")
OUTLOOK_CATEGORIES: tuple[str, ...] = ("Business", "Personal", "Key Customer", "Favorites")

#: Mail subjects per kind of relationship; "{event}" and "{first}" are filled in.
FRIEND_SUBJECTS: tuple[str, ...] = (
    "Dinner on Saturday?", "Photos from the weekend", "Happy birthday!", "Hiking trip",
    "Re-scheduling our call", "That book I mentioned", "Movie night", "Are you coming to {event}?",
    "Quick question", "Long time no see", "Apartment hunting", "Holiday plans", "Catching up",
)
WORK_SUBJECTS: tuple[str, ...] = (
    "Q3 planning", "Design review notes", "Follow-up from today's meeting", "Draft proposal",
    "Budget sign-off", "Hiring loop feedback", "Release checklist", "Customer escalation",
    "Offsite agenda", "1:1 notes", "Roadmap draft v2", "Contract renewal", "Incident postmortem",
)
ONCE_SUBJECTS: tuple[str, ...] = (
    "Question about your talk at {event}", "Introduction", "Your article on data quality",
    "Following up from {event}", "Speaking opportunity", "Saw your post", "Request for advice",
)
BODY_LINES: tuple[str, ...] = (
    "Let me know what works for you.", "Talk soon.", "Thanks again for your help.",
    "I attached the notes we discussed.", "Looking forward to it.", "No rush on this.",
    "Sounds good to me.", "Can we move it to next week?", "Great seeing you the other day.",
    "I'll send the details tomorrow.", "Does Thursday work?", "Happy to help.",
    "From what I heard, the venue is booked.", "Let's keep it simple.",
)
NEWSLETTER_TOPICS: tuple[str, ...] = (
    "five tools we tried this month", "what we learned from 1,000 launches", "the state of remote hiring",
    "a reader question on pricing", "our favourite long reads", "the quarter in numbers",
)
