"""French and English names of the Kaggle application columns and of their categorical levels.

A client sees these words instead of codes: "Niveau d'études : Secondaire" rather than
"NAME_EDUCATION_TYPE = Secondary / secondary special". Each entry is (French, English).

Levels that describe a person are never gendered: inclusive French forms ("Marié·e", "Salarié·e") or
epicene words, since the data's level says nothing of the client's sex.
"""

from __future__ import annotations

import re

Words = tuple[str, str]

APPLICATION_COLUMNS: dict[str, Words] = {
    "SK_ID_CURR": ("Identifiant client", "Client id"),
    "TARGET": ("Défaut de paiement", "Payment default"),
    "NAME_CONTRACT_TYPE": ("Type de contrat", "Contract type"),
    "CODE_GENDER": ("Genre", "Gender"),
    "FLAG_OWN_CAR": ("Possède une voiture", "Owns a car"),
    "FLAG_OWN_REALTY": ("Propriétaire d’un logement", "Owns a home"),
    "CNT_CHILDREN": ("Nombre d’enfants", "Number of children"),
    "AMT_INCOME_TOTAL": ("Revenu annuel", "Annual income"),
    "AMT_CREDIT": ("Montant du crédit", "Credit amount"),
    "AMT_ANNUITY": ("Mensualité du crédit", "Monthly repayment"),
    "AMT_GOODS_PRICE": ("Prix du bien financé", "Price of the goods financed"),
    "NAME_TYPE_SUITE": ("Accompagnant lors de la demande", "Accompanied by"),
    "NAME_INCOME_TYPE": ("Type de revenu", "Income type"),
    "NAME_EDUCATION_TYPE": ("Niveau d’études", "Education"),
    "NAME_FAMILY_STATUS": ("Situation familiale", "Family status"),
    "NAME_HOUSING_TYPE": ("Type de logement", "Housing"),
    "REGION_POPULATION_RELATIVE": ("Densité de population de la région", "Population density of the region"),
    "DAYS_BIRTH": ("Âge", "Age"),
    "DAYS_EMPLOYED": ("Ancienneté dans l’emploi", "Time in current job"),
    "DAYS_REGISTRATION": ("Ancienneté de l’inscription", "Time since registration changed"),
    "DAYS_ID_PUBLISH": ("Ancienneté de la pièce d’identité", "Age of identity document"),
    "OWN_CAR_AGE": ("Âge de la voiture", "Age of the car"),
    "FLAG_MOBIL": ("Téléphone mobile fourni", "Mobile phone given"),
    "FLAG_EMP_PHONE": ("Téléphone de l’employeur fourni", "Employer phone given"),
    "FLAG_WORK_PHONE": ("Téléphone professionnel fourni", "Work phone given"),
    "FLAG_CONT_MOBILE": ("Mobile joignable", "Mobile reachable"),
    "FLAG_PHONE": ("Téléphone fixe fourni", "Home phone given"),
    "FLAG_EMAIL": ("E-mail fourni", "Email given"),
    "OCCUPATION_TYPE": ("Profession", "Occupation"),
    "CNT_FAM_MEMBERS": ("Taille du foyer", "Household size"),
    "REGION_RATING_CLIENT": ("Note de la région", "Region rating"),
    "REGION_RATING_CLIENT_W_CITY": ("Note de la région et de la ville", "Region and city rating"),
    "WEEKDAY_APPR_PROCESS_START": ("Jour de la demande", "Weekday of the application"),
    "HOUR_APPR_PROCESS_START": ("Heure de la demande", "Hour of the application"),
    "REG_REGION_NOT_LIVE_REGION": (
        "Adresse officielle hors de la région de résidence",
        "Official address outside home region",
    ),
    "REG_REGION_NOT_WORK_REGION": (
        "Adresse officielle hors de la région de travail",
        "Official address outside work region",
    ),
    "LIVE_REGION_NOT_WORK_REGION": ("Travaille hors de sa région", "Works outside home region"),
    "REG_CITY_NOT_LIVE_CITY": (
        "Adresse officielle hors de la ville de résidence",
        "Official address outside home city",
    ),
    "REG_CITY_NOT_WORK_CITY": (
        "Adresse officielle hors de la ville de travail",
        "Official address outside work city",
    ),
    "LIVE_CITY_NOT_WORK_CITY": ("Travaille hors de sa ville", "Works outside home city"),
    "ORGANIZATION_TYPE": ("Secteur de l’employeur", "Employer’s sector"),
    "EXT_SOURCE_1": ("Score externe 1", "External score 1"),
    "EXT_SOURCE_2": ("Score externe 2", "External score 2"),
    "EXT_SOURCE_3": ("Score externe 3", "External score 3"),
    "FONDKAPREMONT_MODE": ("Fonds de travaux de l’immeuble", "Building repair fund"),
    "HOUSETYPE_MODE": ("Type d’immeuble", "Building type"),
    "TOTALAREA_MODE": ("Surface totale de l’immeuble", "Building total area"),
    "WALLSMATERIAL_MODE": ("Matériau des murs", "Wall material"),
    "EMERGENCYSTATE_MODE": ("Immeuble en état d’urgence", "Building in emergency state"),
    "OBS_30_CNT_SOCIAL_CIRCLE": (
        "Proches suivis (retard de 30 jours)",
        "Social circle observed (30 days late)",
    ),
    "DEF_30_CNT_SOCIAL_CIRCLE": (
        "Proches en défaut (retard de 30 jours)",
        "Social circle defaulted (30 days late)",
    ),
    "OBS_60_CNT_SOCIAL_CIRCLE": (
        "Proches suivis (retard de 60 jours)",
        "Social circle observed (60 days late)",
    ),
    "DEF_60_CNT_SOCIAL_CIRCLE": (
        "Proches en défaut (retard de 60 jours)",
        "Social circle defaulted (60 days late)",
    ),
    "DAYS_LAST_PHONE_CHANGE": ("Ancienneté du numéro de téléphone", "Time since phone changed"),
}

#: The building statistics (normalised 0..1) are written BASE_{AVG,MODE,MEDI}.
_BUILDING: dict[str, Words] = {
    "APARTMENTS": ("taille des appartements", "apartment size"),
    "BASEMENTAREA": ("surface du sous-sol", "basement area"),
    "YEARS_BEGINEXPLUATATION": ("ancienneté d’exploitation", "years in use"),
    "YEARS_BUILD": ("âge de construction", "age"),
    "COMMONAREA": ("parties communes", "common area"),
    "ELEVATORS": ("ascenseurs", "elevators"),
    "ENTRANCES": ("entrées", "entrances"),
    "FLOORSMAX": ("étages (maximum)", "floors (maximum)"),
    "FLOORSMIN": ("étages (minimum)", "floors (minimum)"),
    "LANDAREA": ("surface du terrain", "land area"),
    "LIVINGAPARTMENTS": ("appartements habitables", "living apartments"),
    "LIVINGAREA": ("surface habitable", "living area"),
    "NONLIVINGAPARTMENTS": ("appartements non habitables", "non-living apartments"),
    "NONLIVINGAREA": ("surface non habitable", "non-living area"),
}
_BUILDING_STAT: dict[str, Words] = {
    "AVG": ("moyenne", "average"),
    "MODE": ("mode", "mode"),
    "MEDI": ("médiane", "median"),
}
_BUREAU_PERIOD: dict[str, Words] = {
    "HOUR": ("dernière heure", "last hour"),
    "DAY": ("dernier jour", "last day"),
    "WEEK": ("dernière semaine", "last week"),
    "MON": ("dernier mois", "last month"),
    "QRT": ("dernier trimestre", "last quarter"),
    "YEAR": ("dernière année", "last year"),
}

LEVELS: dict[str, Words] = {
    # NAME_CONTRACT_TYPE
    "Cash loans": ("Prêt personnel", "Cash loan"),
    "Revolving loans": ("Crédit renouvelable", "Revolving loan"),
    # CODE_GENDER, Y/N flags
    "F": ("Femme", "Female"),
    "M": ("Homme", "Male"),
    "Y": ("Oui", "Yes"),
    "N": ("Non", "No"),
    "Yes": ("Oui", "Yes"),
    "No": ("Non", "No"),
    "XNA": ("Non renseigné", "Not given"),
    "XAP": ("Sans objet", "Not applicable"),
    # NAME_TYPE_SUITE
    "Children": ("Enfants", "Children"),
    "Family": ("Famille", "Family"),
    "Group of people": ("Groupe de personnes", "Group of people"),
    "Other_A": ("Autre (A)", "Other (A)"),
    "Other_B": ("Autre (B)", "Other (B)"),
    "Spouse, partner": ("Conjoint·e", "Spouse or partner"),
    "Unaccompanied": ("Seul·e", "Alone"),
    # NAME_INCOME_TYPE
    "Businessman": ("Chef d’entreprise", "Business owner"),
    "Commercial associate": ("Associé·e commercial·e", "Commercial associate"),
    "Maternity leave": ("Congé maternité", "Maternity leave"),
    "Pensioner": ("Retraité·e", "Pensioner"),
    "State servant": ("Fonctionnaire", "Civil servant"),
    "Student": ("Étudiant·e", "Student"),
    "Unemployed": ("Sans emploi", "Unemployed"),
    "Working": ("Salarié·e", "Employee"),
    # NAME_EDUCATION_TYPE
    "Academic degree": ("Diplôme universitaire supérieur", "Academic degree"),
    "Higher education": ("Études supérieures", "Higher education"),
    "Incomplete higher": ("Études supérieures inachevées", "Incomplete higher education"),
    "Lower secondary": ("Collège", "Lower secondary"),
    "Secondary / secondary special": ("Secondaire", "Secondary"),
    # NAME_FAMILY_STATUS
    "Civil marriage": ("Union civile", "Civil union"),
    "Married": ("Marié·e", "Married"),
    "Separated": ("Séparé·e", "Separated"),
    "Single / not married": ("Célibataire", "Single"),
    "Unknown": ("Inconnue", "Unknown"),
    "Widow": ("Veuf ou veuve", "Widowed"),
    # NAME_HOUSING_TYPE
    "Co-op apartment": ("Logement coopératif", "Co-op apartment"),
    "House / apartment": ("Maison ou appartement", "House or apartment"),
    "Municipal apartment": ("Logement social", "Municipal apartment"),
    "Office apartment": ("Logement de fonction", "Company apartment"),
    "Rented apartment": ("Location", "Rented apartment"),
    "With parents": ("Chez ses parents", "With parents"),
    # OCCUPATION_TYPE
    "Accountants": ("Comptable", "Accountant"),
    "Cleaning staff": ("Agent d’entretien", "Cleaning staff"),
    "Cooking staff": ("Cuisinier·ère", "Cooking staff"),
    "Core staff": ("Employé·e", "Core staff"),
    "Drivers": ("Chauffeur·euse", "Driver"),
    "HR staff": ("Ressources humaines", "HR staff"),
    "High skill tech staff": ("Technicien·ne qualifié·e", "High-skill technician"),
    "IT staff": ("Informatique", "IT staff"),
    "Laborers": ("Ouvrier·ère", "Laborer"),
    "Low-skill Laborers": ("Ouvrier·ère non qualifié·e", "Low-skill laborer"),
    "Managers": ("Cadre", "Manager"),
    "Medicine staff": ("Personnel médical", "Medical staff"),
    "Private service staff": ("Services à la personne", "Private service staff"),
    "Realty agents": ("Agent immobilier", "Realty agent"),
    "Sales staff": ("Commercial·e", "Sales staff"),
    "Secretaries": ("Secrétaire", "Secretary"),
    "Security staff": ("Agent de sécurité", "Security staff"),
    "Waiters/barmen staff": ("Serveur·euse", "Waiter or bartender"),
    # WEEKDAY_APPR_PROCESS_START
    "MONDAY": ("Lundi", "Monday"),
    "TUESDAY": ("Mardi", "Tuesday"),
    "WEDNESDAY": ("Mercredi", "Wednesday"),
    "THURSDAY": ("Jeudi", "Thursday"),
    "FRIDAY": ("Vendredi", "Friday"),
    "SATURDAY": ("Samedi", "Saturday"),
    "SUNDAY": ("Dimanche", "Sunday"),
    # ORGANIZATION_TYPE (the "type N" ones are handled by pattern below)
    "Advertising": ("Publicité", "Advertising"),
    "Agriculture": ("Agriculture", "Agriculture"),
    "Bank": ("Banque", "Bank"),
    "Cleaning": ("Nettoyage", "Cleaning"),
    "Construction": ("Construction", "Construction"),
    "Culture": ("Culture", "Culture"),
    "Electricity": ("Électricité", "Electricity"),
    "Emergency": ("Secours", "Emergency services"),
    "Government": ("Administration", "Government"),
    "Hotel": ("Hôtellerie", "Hotel"),
    "Housing": ("Logement", "Housing"),
    "Insurance": ("Assurance", "Insurance"),
    "Kindergarten": ("Petite enfance", "Kindergarten"),
    "Legal Services": ("Services juridiques", "Legal services"),
    "Medicine": ("Santé", "Medicine"),
    "Military": ("Armée", "Military"),
    "Mobile": ("Téléphonie mobile", "Mobile"),
    "Other": ("Autre", "Other"),
    "Police": ("Police", "Police"),
    "Postal": ("Poste", "Postal services"),
    "Realtor": ("Immobilier", "Real estate"),
    "Religion": ("Religion", "Religion"),
    "Restaurant": ("Restauration", "Restaurant"),
    "School": ("Enseignement scolaire", "School"),
    "Security": ("Sécurité", "Security"),
    "Security Ministries": ("Ministères de la sécurité", "Security ministries"),
    "Self-employed": ("Indépendant", "Self-employed"),
    "Services": ("Services", "Services"),
    "Telecom": ("Télécommunications", "Telecom"),
    "University": ("Université", "University"),
    # FONDKAPREMONT_MODE, HOUSETYPE_MODE, WALLSMATERIAL_MODE
    "not specified": ("Non précisé", "Not specified"),
    "org spec account": ("Compte spécial de l’organisme", "Organisation’s special account"),
    "reg oper account": ("Compte de l’opérateur régional", "Regional operator account"),
    "reg oper spec account": ("Compte spécial de l’opérateur régional", "Regional operator special account"),
    "block of flats": ("Immeuble collectif", "Block of flats"),
    "specific housing": ("Logement spécifique", "Specific housing"),
    "terraced house": ("Maison mitoyenne", "Terraced house"),
    "Block": ("Blocs", "Block"),
    "Mixed": ("Mixte", "Mixed"),
    "Monolithic": ("Béton monolithique", "Monolithic"),
    "Others": ("Autres", "Others"),
    "Panel": ("Panneaux préfabriqués", "Panel"),
    "Stone, brick": ("Pierre ou brique", "Stone or brick"),
    "Wooden": ("Bois", "Wooden"),
}

_SECTOR_TYPES: dict[str, Words] = {
    "Business Entity": ("Entreprise", "Business entity"),
    "Industry": ("Industrie", "Industry"),
    "Trade": ("Commerce", "Trade"),
    "Transport": ("Transport", "Transport"),
}
_SECTOR_TYPE = re.compile(r"^(Business Entity|Industry|Trade|Transport):? [Tt]ype (\d+)$")


def _pick(words: Words, lang: str) -> str:
    return words[0] if lang == "fr" else words[1]


def application_column_label(name: str, lang: str = "fr") -> str | None:
    """The human name of a Kaggle application column, or None when it is not one."""
    if name in APPLICATION_COLUMNS:
        return _pick(APPLICATION_COLUMNS[name], lang)
    if match := re.fullmatch(r"FLAG_DOCUMENT_(\d+)", name):
        return f"Document {match[1]} fourni" if lang == "fr" else f"Document {match[1]} provided"
    if match := re.fullmatch(r"AMT_REQ_CREDIT_BUREAU_([A-Z]+)", name):
        period = _pick(_BUREAU_PERIOD[match[1]], lang)
        return (
            f"Consultations du bureau de crédit ({period})"
            if lang == "fr"
            else f"Credit bureau enquiries ({period})"
        )
    if match := re.fullmatch(r"([A-Z_]+)_(AVG|MODE|MEDI)", name):
        base, stat = match[1], match[2]
        if base in _BUILDING:
            what, how = _pick(_BUILDING[base], lang), _pick(_BUILDING_STAT[stat], lang)
            return f"Immeuble\u00a0: {what} ({how})" if lang == "fr" else f"Building: {what} ({how})"
    return None


def level_label(level: str, lang: str = "fr") -> str:
    """The human name of a categorical level; a level we have no words for is shown as written."""
    if level in LEVELS:
        return _pick(LEVELS[level], lang)
    if match := _SECTOR_TYPE.match(level):
        return f"{_pick(_SECTOR_TYPES[match[1]], lang)} (type {match[2]})"
    return level
