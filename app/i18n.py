"""The one catalogue of user-facing strings, French (default) and English.

Pages add their strings here too, under a prefix naming the page ("client.title", "what_if.apply"). Values
are `str.format` templates; `t` fills them. Feature labels and category levels are data vocabulary and live in
`app/labels.py`. French strings use typographic apostrophes and no-break spaces before ":" and "%".
"""

from __future__ import annotations

DEFAULT_LANG = "fr"
LANGUAGES = ("fr", "en")

CATALOGUE: dict[str, dict[str, str]] = {
    "fr": {
        "app.title": "Prêt à dépenser – scoring crédit",
        # values and units
        "value.missing": "non renseigné",
        "value.missing_f": "non renseignée",
        "value.yes": "oui",
        "value.no": "non",
        "unit.year": "{n}\u00a0an",
        "unit.years": "{n}\u00a0ans",
        "unit.less_than_a_year": "moins d’un an",
        "unit.day": "{n}\u00a0jour",
        "unit.days": "{n}\u00a0jours",
        "unit.month": "{n}\u00a0mois",
        "unit.months": "{n}\u00a0mois",
        "unit.ago": "il y a {duration}",
        "unit.in": "dans {duration}",
        # decisions
        "decision.accept": "Crédit accordé",
        "decision.refuse": "Crédit refusé",
        "decision.summary": "Probabilité de défaut {probability}, seuil {threshold}\u00a0: {decision}",
        # principal reasons
        "reason.raises": "augmente le risque",
        "reason.lowers": "réduit le risque",
        "reason.raises_by": "Augmente le risque de {points}.",
        "reason.lowers_by": "Réduit le risque de {points}.",
        "reason.raises_slightly": "Augmente légèrement le risque.",
        "reason.lowers_slightly": "Réduit légèrement le risque.",
        "reason.concept": "{concept} — {feature}\u00a0: {where}. {effect}",
        "reason.concept_plain": "{concept} — {feature}. {effect}",
        "standing.lowest10": "parmi les 10\u202f% les plus bas des demandeurs",
        "standing.lowest20": "parmi les 20\u202f% les plus bas des demandeurs",
        "standing.typical": "comme la plupart des demandeurs",
        "standing.highest20": "parmi les 20\u202f% les plus élevés des demandeurs",
        "standing.highest10": "parmi les 10\u202f% les plus élevés des demandeurs",
        "standing.lowest10_date": "parmi les 10\u202f% des demandeurs aux dates les plus récentes",
        "standing.lowest20_date": "parmi les 20\u202f% des demandeurs aux dates les plus récentes",
        "standing.typical_date": "comme la plupart des demandeurs",
        "standing.highest20_date": "parmi les 20\u202f% des demandeurs aux dates les plus anciennes",
        "standing.highest10_date": "parmi les 10\u202f% des demandeurs aux dates les plus anciennes",
        "reason.others": "Autres facteurs",
        # input validation (API and what-if)
        "error.unknown_field": "champ inconnu",
        "error.unknown_parameter": "paramètre inconnu",
        "error.not_a_number": "nombre attendu, reçu {value}",
        "error.not_whole": "nombre entier attendu, reçu {value}",
        "error.not_text": "texte attendu, reçu {value}",
        "error.unknown_level": "valeur inconnue {value}\u00a0; valeurs possibles\u00a0: {levels}",
        "error.below": "doit être supérieur ou égal à {bound}, reçu {value}",
        "error.above": "doit être inférieur ou égal à {bound}, reçu {value}",
        "error.positive": "doit être strictement positif, reçu {value}",
        "error.flag": "0 ou 1 attendu, reçu {value}",
        "error.annuity_above_credit": "la mensualité ne peut pas dépasser le montant du crédit",
        "error.term_too_long": "durée de remboursement trop longue\u00a0: plus de {max} mensualités",
        "error.employed_before_age": "l’ancienneté dans l’emploi dépasse l’âge moins {min} ans",
        "error.family_smaller_than_children": "la famille compte au moins les enfants plus le client",
        "error.not_an_object": "un objet JSON de champs est attendu",
        "error.rejected": "la demande a été refusée par la validation",
        # API
        "api.not_found": "ressource inconnue\u00a0: {path}",
        "api.unknown_client": "client inconnu\u00a0: {client_id}",
        "api.bad_client_id": "identifiant client invalide\u00a0: {client_id} (nombre entier attendu)",
        "api.method_not_allowed": "méthode {method} non autorisée ici",
        "api.unsupported_media_type": (
            "le corps de la requête doit être du JSON (Content-Type: application/json)"
        ),
        "api.bad_json": "JSON illisible\u00a0: {detail}",
        "api.invalid_fields": "certains champs sont invalides",
        "api.invalid_parameters": "certains paramètres de la requête sont invalides",
        "api.server_refused": "requête refusée par le serveur\u00a0: {detail}",
        "api.internal_error": "erreur interne\u00a0; elle a été journalisée",
        "error.required": "champ obligatoire",
        "error.too_long": "au plus {max} caractères, reçu {count}",
        "api.incomplete_application": "demande incomplète\u00a0: il manque {fields}",
        "api.invalid_credit_file": "dossier de crédit invalide\u00a0: un message par champ dans `fields`",
        "api.bad_idempotency_key": (
            "en-tête Idempotency-Key invalide\u00a0: de 1 à 255 caractères ASCII visibles, sans espace"
        ),
        "api.idempotency_conflict": (
            "cette Idempotency-Key a déjà servi pour un autre dossier\u00a0: "
            "envoyez une nouvelle clé pour une nouvelle demande"
        ),
        "api.unknown_application": "demande inconnue\u00a0: {application_id}",
        "api.reason_required": "s’écarter de la décision du modèle exige une raison (champ reason)",
        "api.not_scored_by_model": (
            "cette demande n’a pas été notée par le modèle en service (version {version})\u00a0: "
            "la décision finale se prend sur son score"
        ),
        "api.body_too_large": "corps de requête trop volumineux\u00a0: au plus {limit}",
        # start-up
        "startup.artifacts_missing": "artefacts introuvables ou incomplets",
        # access control: sign-in, roles, API tokens (app/auth)
        "auth.title": "Connexion",
        "auth.intro": (
            "Connectez-vous avec l’identifiant et le mot de passe que l’administrateur vous a remis."
        ),
        "auth.username": "Identifiant",
        "auth.password": "Mot de passe",
        "auth.submit": "Se connecter",
        "auth.error.invalid": "Identifiant ou mot de passe incorrect.",
        "auth.error.locked": (
            "Trop de tentatives échouées\u00a0: réessayez dans {minutes}\u00a0min "
            "ou demandez à un administrateur."
        ),
        "auth.error.csrf": "Le formulaire a expiré\u00a0: saisissez de nouveau vos identifiants.",
        "auth.error.missing": "Saisissez votre identifiant et votre mot de passe.",
        "auth.error.unavailable": (
            "La connexion est momentanément impossible (base de l’application indisponible)\u00a0: "
            "réessayez dans quelques minutes."
        ),
        "auth.signed_out_notice": "Vous êtes déconnecté.",
        "auth.signed_out_title": "Connexion requise",
        "auth.signed_out": "Votre session a expiré ou vous n’êtes pas connecté\u00a0: connectez-vous.",
        "auth.forbidden_title": "Accès refusé",
        "auth.forbidden": "Cette page est réservée aux administrateurs.",
        "auth.csrf_title": "Formulaire expiré",
        "auth.csrf": "Le formulaire a expiré\u00a0: rechargez la page et recommencez.",
        "auth.api_no_token": "jeton d’accès manquant\u00a0: envoyez l’en-tête Authorization: Bearer <jeton>",
        "auth.api_bad_token": "jeton d’accès invalide ou révoqué",
        "auth.bad_callback": "requête de mise à jour illisible",
        "auth.meeting_only": "mode rendez-vous en cours\u00a0: seule la vue du client est disponible",
        "api.forbidden": "accès refusé\u00a0: réservé aux rôles {roles}",
        "role.advisor": "conseiller",
        "role.admin": "administrateur",
        "nav.account": "{name} ({role})",
        "nav.logout": "Se déconnecter",
        # error pages (app/security.py)
        "errorpage.http_title": "Erreur {status}",
        "errorpage.http_400": "La requête est incorrecte.",
        "errorpage.http_404": "Cette page n’existe pas.",
        "errorpage.http_405": "Cette action n’est pas possible ici.",
        "errorpage.http_other": "La requête n’a pas pu aboutir.",
        "errorpage.unexpected_title": "Une erreur est survenue",
        "errorpage.unexpected": (
            "Une erreur inattendue s’est produite. Elle a été enregistrée sous la référence "
            "{reference}\u00a0: communiquez-la au support."
        ),
        "errorpage.home": "Retour au portefeuille",
        # meeting mode (pages/meeting.py)
        "meeting.start": "Mode rendez-vous",
        "meeting.start_help": "Montrer au client sa propre vue, sans aucune autre donnée",
        "meeting.badge": "Vue client",
        "meeting.title": "Votre demande de crédit",
        "meeting.title_generic": "Mode rendez-vous",
        "meeting.inactive": (
            "Le mode rendez-vous n’est pas actif pour ce client\u00a0: lancez-le depuis sa fiche."
        ),
        "meeting.bad_client": (
            "Impossible d’ouvrir le mode rendez-vous\u00a0: client «\u00a0{client_id}\u00a0» inconnu."
        ),
        "meeting.gauge_title": "Votre risque de défaut estimé",
        "meeting.against": "Ce qui pèse sur votre dossier",
        "meeting.for": "Ce qui joue en votre faveur",
        "meeting.similar": (
            "Parmi les {count} demandes passées les plus proches de la vôtre, {rate} n’ont pas été "
            "remboursées (toutes demandes passées\u00a0: {overall})."
        ),
        "meeting.leave_title": "Fin du rendez-vous (réservé au conseiller)",
        "meeting.password": "Mot de passe du conseiller",
        "meeting.leave": "Quitter le mode rendez-vous",
        "meeting.error.wrong": "Mot de passe incorrect.",
        "meeting.error.wait": (
            "Tentative refusée\u00a0: le délai après des mots de passe incorrects courait encore."
        ),
        "meeting.wait": "Réessayez dans {seconds}\u00a0s.",
        "meeting.wait_over": "Vous pouvez réessayer.",
        "meeting.error.csrf": "Le formulaire a expiré\u00a0: recommencez.",
        # pages (pages/ and components/, through the pages)
        # navigation
        "nav.skip": "Aller au contenu",
        "busy.working": "Calcul en cours…",
        "nav.brand": "Prêt à dépenser",
        "nav.label": "Navigation principale",
        "nav.home": "Portefeuille",
        "nav.clients": "Clients",
        "nav.client": "Fiche client",
        "nav.explanation": "Explication",
        "nav.comparison": "Comparaison",
        "nav.what_if": "Simulation",
        "nav.drift": "Dérive (admin)",
        "nav.drift_soon": "bientôt disponible",
        "nav.model": "Modèle (admin)",
        "nav.audit": "Audit (admin)",
        "nav.language": "Langue",
        "nav.french": "Français",
        "nav.english": "English",
        # a table's pager (DataTable draws icon-only buttons; assets/table-pager.js names them)
        "table.first_page": "Première page",
        "table.previous_page": "Page précédente",
        "table.next_page": "Page suivante",
        "table.last_page": "Dernière page",
        "table.page_input": "Aller à la page (page {current} sur {count})",
        # client picker
        "picker.label": "Identifiant du client",
        "picker.placeholder": "par ex. 100001",
        "picker.open": "Ouvrir",
        "picker.unknown": "Aucun client ne porte l’identifiant {client_id}.",
        "picker.not_a_number": "Saisissez un identifiant numérique, par ex. 100001.",
        "picker.none": "Choisissez un client pour afficher cette page.",
        # home
        "home.title": "Portefeuille des demandes",
        "home.count": "demandes à traiter",
        "home.approval_rate": "accordées au seuil actuel",
        "home.threshold": "seuil d’acceptation (risque de défaut)",
        "home.mean_risk": "risque moyen estimé",
        "home.chart_title": "Répartition des risques estimés",
        "home.summary": (
            "Au seuil de {threshold}, {approved} des {count} demandes sont accordées "
            "({approval_rate})\u00a0; "
            "{refused} sont refusées."
        ),
        "home.search": "Rechercher un client",
        "home.all_clients": "Parcourir et filtrer tous les clients",
        "home.filters": "Quelles demandes ?",
        # batch and received-date filters (portfolio, clients)
        "filters.batches": "Lots de demandes (tous si aucun n’est coché)",
        "filters.batch_option": "{name} – {count} demandes, reçues à partir du {day}",
        "filters.export_batch": "Premier lot (clients de l’export)",
        "filters.received": "Date de réception",
        "filters.received_from": "Reçues à partir du",
        "filters.received_to": "Reçues jusqu’au (inclus)",
        "filters.bad_date": "Date de réception : « {value} » n’est pas une date (AAAA-MM-JJ).",
        "filters.reversed_dates": (
            "La date de début est après la date de fin : les dates de réception ne filtrent pas."
        ),
        "filters.unknown_batch": "Un lot choisi n’existe plus : rechargez la page.",
        # shared chart texts
        "chart.risk_axis": "Risque de défaut estimé",
        "chart.count_axis": "Nombre de clients",
        "chart.share_axis": "Part du groupe",
        "chart.accepted": "✓ Accordé (sous le seuil)",
        "chart.refused": "✗ Refusé (au-dessus du seuil)",
        "chart.threshold": "Seuil {threshold}",
        "chart.client": "Ce client",
        "chart.client_value": "Ce client\u00a0: {value}",
        "chart.others": "Autres clients",
        "chart.contribution_axis": "Contribution au risque (log-odds)",
        "chart.base": "Risque moyen",
        "chart.final": "Risque du client",
        "chart.other_features": "{count} autres caractéristiques",
        "chart.other_concepts": "{count} autres thèmes",
        "chart.points_short": "{n}\u00a0pt",
        "chart.points_short_plural": "{n}\u00a0pts",
        "chart.risk_percent_axis": "Risque estimé (%)",
        "chart.log_odds_axis": "Risque en log-odds calibrés (logit de la probabilité)",
        "chart.log_odds_level": "{log_odds} (risque {risk})",
        "chart.concept_features": "Principales caractéristiques\u00a0:",
        "chart.importance_points_axis": "Effet moyen sur le risque d’un demandeur (points)",
        "chart.importance_log_odds_axis": "|SHAP| moyen par caractéristique (log-odds, avant calibration)",
        # client
        "client.title": "Client {client_id}",
        "client.gauge_title": "Risque de défaut estimé",
        "client.threshold_mark": "Seuil d’acceptation\u00a0: {threshold}",
        "client.risk_sentence": (
            "Le risque estimé est de {probability}, le seuil d’acceptation est de {threshold}."
        ),
        "client.distance_above": "Il dépasse le seuil de {points}.",
        "client.distance_below": "Il est sous le seuil de {points}.",
        "client.distance_at": "Il atteint le seuil.",
        "client.points": "{n}\u00a0point",
        "client.points_plural": "{n}\u00a0points",
        "client.gauge_summary": "Risque {probability} pour un seuil de {threshold}\u00a0: {decision}.",
        "client.facts": "Informations sur la demande",
        "client.why": "Pourquoi cette décision\u00a0?",
        "client.compare": "Comparer avec d’autres clients",
        "client.what_if": "Simuler une autre demande",
        "client.term": "Durée de remboursement",
        "client.term_value": "{n}\u00a0mensualités",
        "client.next_steps": "Aller plus loin",
        "client.unknown": "Aucun client ne porte l’identifiant {client_id}.",
        # explanation
        "explanation.title": "Pourquoi ce résultat\u00a0? Client {client_id}",
        "explanation.reasons": "Principales raisons",
        "explanation.waterfall_title": "Du risque moyen au risque du client",
        "explanation.waterfall_summary": (
            "Partant d’un risque moyen de {base}, le dossier du client le porte à {final}, thème par thème "
            "(les points s’additionnent). {raises} {lowers}"
        ),
        "explanation.waterfall_summary_log_odds": (
            "En log-odds calibrés, du niveau moyen {base_log_odds} (risque {base}) à celui du client "
            "{final_log_odds} (risque {final})\u00a0: les contributions s’additionnent exactement. "
            "{raises} {lowers}"
        ),
        "explanation.list_separator": "\u202f; ",
        "explanation.raises": "Ce qui l’augmente le plus\u00a0: {features}.",
        "explanation.lowers": "Ce qui le réduit le plus\u00a0: {features}.",
        "explanation.importance_title": "Ce qui compte le plus pour le modèle, tous clients confondus",
        "explanation.importance_summary": (
            "Les trois caractéristiques les plus influentes en général\u00a0: {features}."
        ),
        "explanation.hint": (
            "Chaque barre est un thème\u00a0: survolez-la pour lire ses principales caractéristiques, "
            "cliquez-la pour l’ouvrir dans le détail plus bas."
        ),
        "explanation.view": "Afficher en",
        "explanation.view_points": "Points de risque",
        "explanation.view_log_odds": "Log-odds (data scientist)",
        "explanation.concepts_title": "Le détail par thème",
        "explanation.concepts_intro_points": (
            "Ouvrez un thème pour voir ses caractéristiques. L’effet de chacune est compté en points de "
            "risque\u00a0: les effets d’un thème s’additionnent à son total."
        ),
        "explanation.concepts_intro_log_odds": (
            "Ouvrez un thème pour voir ses caractéristiques et leur contribution exacte en log-odds "
            "calibrés (valeurs SHAP)\u00a0: celles d’un thème s’additionnent à son total."
        ),
        "explanation.concept_item": "{label}\u00a0: {effect}",
        "explanation.concept_caption": "Caractéristiques du thème «\u00a0{label}\u00a0»",
        "explanation.col.feature": "Caractéristique",
        "explanation.col.value": "Valeur du client",
        "explanation.col.where": "Parmi les demandeurs",
        "explanation.col.points": "Effet sur le risque",
        "explanation.col.log_odds": "Contribution (log-odds)",
        "explanation.where_none": "—",
        "explanation.importance_summary_concepts": (
            "En moyenne sur {count} demandeurs de l’apprentissage, les thèmes qui déplacent le plus le "
            "risque\u00a0: {concepts}."
        ),
        # clients list
        "clients.title": "Tous les clients",
        "clients.filters": "Filtres",
        "clients.from": "de",
        "clients.to": "à",
        "clients.credit": "Montant du crédit",
        "clients.income": "Revenu annuel",
        "clients.age": "Âge",
        "clients.risk": "Risque estimé",
        "clients.decision": "Décision",
        "clients.contract": "Type de contrat",
        "clients.education": "Niveau d’études",
        "clients.housing": "Type de logement",
        "clients.count": "{count} clients correspondent",
        "clients.count_one": "1 client correspond",
        "clients.count_none": "Aucun client ne correspond à ces filtres.",
        "clients.reset": "Effacer les filtres",
        "clients.table": "Liste des clients (cliquez sur un identifiant pour ouvrir la fiche)",
        "clients.invalid_range": "«\u00a0{field}\u00a0»\u00a0: la borne basse dépasse la borne haute.",
        "clients.accepted": "✓ Accordé",
        "clients.refused": "✗ Refusé",
        "clients.sort": "Trier par",
        "clients.sort_risk_desc": "Risque, du plus élevé au plus faible",
        "clients.sort_risk_asc": "Risque, du plus faible au plus élevé",
        "clients.sort_credit_desc": "Montant du crédit, du plus élevé au plus faible",
        "clients.sort_income_desc": "Revenu, du plus élevé au plus faible",
        "clients.sort_age_asc": "Âge, du plus jeune au plus âgé",
        "clients.sort_id_asc": "Identifiant",
        "clients.sort_received_desc": "Date de réception, la plus récente d’abord",
        "clients.batch": "Lot",
        "clients.received": "Reçue le",
        "clients.model_decision": "Décision du modèle",
        "clients.final_decision": "Décision du conseiller",
        "clients.follows": "{decision} (suit le modèle)",
        "clients.overrides": "{decision} (contre le modèle)",
        "clients.undecided": "— à décider",
        "unit.euros": "€",
        "unit.years_short": "ans",
        "unit.percent": "%",
        # comparison
        "comparison.title": "Comparer le client {client_id}",
        "comparison.group": "Comparer avec",
        "comparison.group_all": "Tous les clients passés",
        "comparison.group_similar": "Les clients passés les plus proches",
        "comparison.group_outcome": "Clients ayant remboursé et clients en défaut",
        "comparison.all": "Tous les clients passés",
        "comparison.similar": "Clients proches",
        "comparison.repaid": "Ont remboursé",
        "comparison.defaulted": "En défaut",
        "comparison.feature": "Caractéristique à comparer",
        "comparison.x": "Axe horizontal",
        "comparison.y": "Axe vertical",
        "comparison.distribution_title": "Où se situe le client\u00a0?",
        "comparison.caption": "Pour ce client, {feature}\u00a0: {value}\u00a0; {places}.",
        "comparison.caption_alone": "Pour ce client, {feature}\u00a0: {value}.",
        "comparison.and": " et ",
        "comparison.higher.all": "plus élevé que pour {share} de tous les clients passés",
        "comparison.higher.similar": (
            "plus élevé que pour {share} des {count} clients passés les plus proches"
        ),
        "comparison.higher.repaid": "plus élevé que pour {share} des clients qui ont remboursé",
        "comparison.higher.defaulted": "plus élevé que pour {share} des clients en défaut",
        "comparison.same.all": "comme {share} de tous les clients passés",
        "comparison.same.similar": "comme {share} des {count} clients passés les plus proches",
        "comparison.same.repaid": "comme {share} des clients qui ont remboursé",
        "comparison.same.defaulted": "comme {share} des clients en défaut",
        "comparison.client_decision": "{client} ({decision})",
        "comparison.scatter_title": "Deux caractéristiques à la fois",
        "comparison.scatter_summary": (
            "Chaque point est un client passé ({count} affichés), coloré selon son risque\u00a0; "
            "l’étoile est ce client."
        ),
        "comparison.similar_rate": (
            "Parmi les {count} clients passés les plus proches, {rate} ont fait défaut "
            "(tous clients passés\u00a0: {overall})."
        ),
        "comparison.other_client": "Comparer avec le client",
        "comparison.difference_title": "Ce qui sépare les deux clients",
        "comparison.difference": "Écart (client {first} − client {second})",
        "comparison.difference_summary": (
            "Risque du client {first}\u00a0: {first_probability}\u00a0; du client {second}\u00a0: "
            "{second_probability}. Ce qui les sépare le plus\u00a0: {features}."
        ),
        "comparison.choose_other": "Choisissez un second client pour comparer les deux explications.",
        "comparison.view": "Comparer les explications",
        "comparison.view_concepts": "Par thème (points de risque)",
        "comparison.view_features": "Par caractéristique (log-odds, data scientist)",
        "comparison.points_axis": "Effet sur le risque (points)",
        # what-if
        "what_if.title": "Simulation pour le client {client_id}",
        "what_if.intro": (
            "Modifiez la demande\u00a0: le risque est recalculé dès que vous quittez un champ "
            "ou appuyez sur Entrée."
        ),
        "what_if.form": "Demande modifiée",
        "what_if.term": "Durée de remboursement",
        "what_if.term_help": (
            "En mois. Changer le montant garde la durée et le taux du prêt\u00a0; changer la durée ou la "
            "mensualité recalcule l’autre au même taux."
        ),
        "what_if.employed": "Ancienneté dans l’emploi",
        "what_if.term_unit": "mois",
        "what_if.reset": "Revenir à la demande d’origine",
        "what_if.original": "Demande d’origine",
        "what_if.simulated": "Demande simulée",
        "what_if.change": "Le risque passe de {before} à {after} ({difference}).",
        "what_if.unchanged": "Aucune modification\u00a0: le risque reste de {before}.",
        "what_if.fix_fields": "Corrigez les champs signalés pour recalculer le risque.",
        "what_if.not_a_number": (
            "Saisissez un nombre, par ex. 12\u00a0500 ou 12\u00a0500,50 (reçu «\u00a0{value}\u00a0»)."
        ),
        "what_if.required": "Ce champ est obligatoire.",
        "what_if.must_be_positive": "Saisissez un nombre strictement positif.",
        "what_if.must_not_be_negative": "Saisissez un nombre positif ou nul.",
        # drift page (admin)
        "drift.title": "Dérive des données",
        "drift.admin": "Administrateur",
        "drift.intro": (
            "Les demandes en production ressemblent-elles encore à celles "
            "sur lesquelles le modèle a appris\u00a0?"
        ),
        "drift.drifted": "Dérive détectée",
        "drift.stable": "Pas de dérive du jeu de données",
        "drift.banner_counts": (
            "{drifted} colonnes sur {columns} ont dérivé ({share})\u00a0; "
            "le jeu de données dérive à partir de {limit}."
        ),
        "drift.built": "Rapport construit le {date} à partir de {folder}\u00a0: {reference} demandes de "
        "référence (application_train) et {current} en production (application_test).",
        "drift.missing": "Aucun rapport de dérive n’a encore été construit pour ces artefacts ({folder}).",
        "drift.how_to": "Construisez-le avec {make} ou avec {command}, puis rechargez la page.",
        "drift.corrupt": "Le résumé de dérive est illisible\u00a0: {problem}",
        "drift.table_title": "Dérive par colonne",
        "drift.table_note": "Colonnes qui dérivent d’abord (variables du modèle en tête), puis par score.",
        "drift.col.label": "Variable",
        "drift.col.column": "Code",
        "drift.col.method": "Test",
        "drift.col.score": "Score",
        "drift.col.threshold": "Seuil",
        "drift.col.drifted": "Dérive",
        "drift.col.importance": "Importance (|SHAP| moyen)",
        "drift.yes": "⚠ Oui",
        "drift.no": "Non",
        "drift.score_title": "Score de risque\u00a0: référence et production",
        "drift.reference": "Référence (hors échantillon)",
        "drift.production": "Production",
        "drift.risk_axis": "Risque de défaut estimé",
        "drift.share_axis": "Part des clients",
        "drift.psi.stable": "stable",
        "drift.psi.moderate": "dérive modérée",
        "drift.psi.significant": "dérive importante",
        "drift.score_summary": (
            "PSI du score\u00a0: {psi} ({reading}). Risque moyen {reference} en référence, "
            "{current} en production."
        ),
        "drift.report_title": "Rapport evidently",
        "drift.report_show": "Afficher le rapport",
        "drift.report_open": "Ouvrir dans un nouvel onglet",
        "what_if.recomputed_amount": (
            "Mensualité recalculée\u00a0: {payment} (même durée de {term}, même taux)."
        ),
        "what_if.recomputed_ratio": (
            "Mensualité recalculée\u00a0: {payment} (la même part du montant\u00a0: ce prêt n’a pas de taux "
            "lisible)."
        ),
        "what_if.recomputed_term": "Mensualité recalculée\u00a0: {payment} (sur {term}, même taux).",
        "what_if.recomputed_payment": "Durée recalculée\u00a0: {term} (même taux).",
        "what_if.recomputed_goods": "Prix du bien financé, en proportion du montant\u00a0: {goods}.",
        "what_if.term_unpriced": (
            "La durée ne peut pas changer\u00a0: ce prêt n’a pas de taux lisible (crédit renouvelable, "
            "mensualité absente ou plus de 60\u00a0mois)."
        ),
        "what_if.payment_too_small": (
            "Cette mensualité ne couvre pas les intérêts du mois\u00a0: le prêt ne serait jamais remboursé."
        ),
        # what would change the decision (components/recourse_offers.py)
        "recourse.title": "Ce qui changerait la décision",
        "recourse.intro": "Ces demandes seraient acceptées, au même taux d’intérêt\u00a0:",
        "recourse.lower_amount": "Emprunter {amount} au lieu de {asked}, sur {term}",
        "recourse.lower_amount_no_term": "Emprunter {amount} au lieu de {asked}",
        "recourse.longer_term": "Emprunter {amount} sur {term} au lieu de {asked_term}",
        "recourse.both": "Emprunter {amount} au lieu de {asked}, sur {term} au lieu de {asked_term}",
        "recourse.payment": "mensualité {payment}",
        "recourse.risk": "risque {risk}",
        "recourse.risk_and_threshold": "risque {risk}, seuil {threshold}",
        "recourse.offer": "{what}\u00a0: {details}.",
        "recourse.none": (
            "Aucune demande dans nos limites ne serait acceptée\u00a0: ni un montant plus bas (jusqu’à "
            "{smallest}), ni une durée plus longue (jusqu’à {longest})."
        ),
        "drift.report_open_full": "Ouvrir le rapport complet (toutes les colonnes) dans un nouvel onglet",
        "drift.report_english": (
            "Le rapport evidently est en anglais\u00a0: evidently n’existe pas en français. Le tableau "
            "ci-dessus en donne les résultats en français."
        ),
        "drift.report_light": (
            "Le rapport affiché ici se limite au score et aux colonnes à lire d’abord (celles qui "
            "dérivent, puis les plus importantes pour le modèle), pour s’afficher vite\u00a0; le rapport "
            "complet montre toutes les colonnes mais met plusieurs secondes à s’afficher."
        ),
        "drift.report_whole": (
            "Ce rapport montre toutes les colonnes\u00a0: il peut mettre plusieurs secondes à s’afficher."
        ),
        "drift.test.wasserstein": "Écart de distribution (Wasserstein)",
        "drift.test.jensen_shannon": "Écart de répartition (Jensen-Shannon)",
        "drift.test.ks": "Test de Kolmogorov-Smirnov (p-valeur)",
        "drift.test.chi_square": "Test du khi-deux (p-valeur)",
        "drift.test.z": "Test Z de proportions (p-valeur)",
        "drift.test.psi": "Stabilité de la population (PSI)",
        "drift.report_frame": "Rapport de dérive evidently",
        "drift.report_missing": "Le rapport HTML est absent\u00a0: reconstruisez-le avec {make}.",
        "drift.important": "Variables importantes en dérive",
        "drift.important_detail": (
            "La règle d’evidently (part des colonnes qui dérivent) ne conclut pas à une dérive, mais "
            "{count} des {top} variables les plus importantes du modèle dérivent\u00a0: {features}."
        ),
        "drift.oneoff_title": "Rapport ponctuel\u00a0: application_train contre application_test",
        "drift.history_title": "Historique par lot",
        "drift.history_intro": (
            "Chaque lot de demandes enregistré, comparé aux demandes d’apprentissage (modèle {model})."
        ),
        "drift.history_empty": "Aucun lot n’a encore été analysé pour le modèle en service ({model}).",
        "drift.history_stored": "Lots enregistrés sans analyse\u00a0: {batches}.",
        "drift.history_how_to": "Construisez l’analyse de chaque lot avec {command}, puis rechargez la page.",
        "drift.history_corrupt": "L’historique de dérive est illisible\u00a0: {problem}",
        "drift.window": "Regrouper par",
        "drift.window.batch": "lot",
        "drift.window.month": "mois",
        "drift.window.week": "semaine",
        "drift.latest": "Dernier lot, {subject}\u00a0: {verdict}",
        "drift.latest_counts": (
            "{n} demandes reçues {period}\u00a0; PSI du score {psi} ({reading})\u00a0; "
            "{share} des colonnes dérivent."
        ),
        "drift.period": "du {first} au {last}",
        "drift.period_unknown": "(dates inconnues)",
        "drift.band.stable": "stable",
        "drift.band.moderate": "modérée",
        "drift.band.significant": "forte",
        "drift.batch_axis": "Lot",
        "drift.psi_axis": "PSI du score",
        "drift.trend_title": "PSI du score, lot par lot",
        "drift.trend_summary": (
            "PSI du score\u00a0: {first} au premier lot ({first_subject}), {last} au dernier "
            "({last_subject}), dérive {reading}. Bandes\u00a0: stable sous 0,1, modérée jusqu’à 0,25, "
            "forte au-delà."
        ),
        "drift.grid_title": "Dérive des variables les plus importantes, lot par lot",
        "drift.grid_summary_none": (
            "Aucune des {count} variables les plus importantes ne dérive au dernier lot ({subject})."
        ),
        "drift.grid_summary": (
            "Au dernier lot ({subject}), {drifted} des {count} variables les plus importantes "
            "dérivent\u00a0: {features}."
        ),
        "drift.grid_note": (
            "Chaque case\u00a0: le PSI de la variable (fond clair stable, orangé modéré, orange fort) "
            "et ⚠ quand evidently conclut à une dérive\u00a0; – quand le lot ne l’a pas comparée."
        ),
        "drift.grid_table": "Voir la grille sous forme de tableau",
        "drift.col.subject": "Lot",
        "drift.col.period": "Reçues",
        "drift.col.n": "Demandes",
        "drift.col.psi": "PSI du score",
        "drift.col.reading": "Lecture",
        "drift.col.verdict": "Verdict",
        "drift.col.important": "Variables importantes en dérive",
        "drift.col.feature": "Variable",
        "drift.verdict.drifted": "⚠ dérive du jeu de données",
        "drift.verdict.important": "⚠ variables importantes",
        "drift.verdict.stable": "✓ stable",
        "drift.none": "aucune",
        "drift.batch_report": "Ouvrir le rapport evidently du lot {subject} (nouvel onglet, en anglais)",
        "drift.batch_report_missing": (
            "Le rapport evidently du lot {subject} n’a pas été écrit\u00a0; {command} le construit."
        ),
        # model governance page (admin)
        "model.title": "Gouvernance du modèle",
        "model.admin": "Administrateur",
        "model.intro": (
            "Quel modèle décide, avec quelle performance, à quel seuil, à quel coût si l’hypothèse de coût "
            "change, et traite-t-il les groupes de clients de la même façon\u00a0? Tous les chiffres "
            "viennent des prédictions hors échantillon de l’entraînement."
        ),
        "model.governance_missing": (
            "Ces artefacts ne contiennent pas l’audit de gouvernance (governance.json)\u00a0: la "
            "calibration, l’équité et le registre ne peuvent pas être affichés."
        ),
        "model.governance_corrupt": "L’audit de gouvernance est illisible\u00a0: {problem}",
        "model.how_to": "Réentraînez avec {make} ou avec {command}, puis relancez l’application.",
        "model.card_title": "Fiche du modèle",
        "model.card.name": "Modèle",
        "model.card.version": "Version au registre",
        "model.card.version_value": "{version} (alias\u00a0: {aliases})",
        "model.card.run": "Run MLflow",
        "model.card.run_link": "Ouvrir le run dans MLflow",
        "model.card.run_how_to": (
            "Suivi local (SQLite)\u00a0: lancez {command}, puis ouvrez ce run sur http://127.0.0.1:5000."
        ),
        "model.card.data": "Données d’entraînement",
        "model.card.data_value": (
            "{rows} demandes étiquetées, dont {defaulters} défauts ({rate})\u00a0; entraîné le {date}"
        ),
        "model.card.fingerprint": "Empreinte des données (SHA-256)",
        "model.card.features": "Variables",
        "model.card.features_value": "{count} variables\u00a0; dérivées du sexe\u00a0: {gender}",
        "model.card.none": "aucune",
        "model.card.auc": "ROC AUC (validation croisée)",
        "model.card.auc_value": "{auc} ± {std} (écart-type entre {folds} plis\u00a0: {by_fold})",
        "model.card.cost": "Coût métier par demande (validation croisée)",
        "model.card.cost_value": (
            "{cost} au seuil, contre {accept_all} en acceptant tout le monde (unité\u00a0: le coût d’un bon "
            "client refusé)"
        ),
        "model.card.threshold": "Seuil de décision (production)",
        "model.card.threshold_value": "{threshold}\u00a0: refus dès que le risque estimé l’atteint",
        "model.card.weights": "Poids des coûts",
        "model.card.weights_value": (
            "défaut accepté (FN)\u00a0: {fn}\u00a0; bon client refusé (FP)\u00a0: {fp}"
        ),
        "model.card.brier": "Score de Brier (hors échantillon)",
        "model.cost_title": "Coût métier selon le seuil",
        "model.cost_note": (
            "Ce curseur explore une autre hypothèse de coût\u00a0: il ne modifie pas le seuil de production "
            "({threshold}), qui ne change que par un nouvel entraînement."
        ),
        "model.ratio_label": (
            "Rapport de coût FN:FP (un défaut accepté coûte autant que N bons clients refusés)"
        ),
        "model.ratio_value": "{ratio}\u00a0:\u00a01",
        "model.ratio_production": "En production\u00a0: {ratio}. Flèches du clavier pour changer d’un cran.",
        "model.ratio_invalid": "Choisissez un rapport entier entre {min} et {max}.",
        "model.optimal_label": "Seuil optimal pour ce rapport",
        "model.cost_label": "Coût attendu au seuil optimal",
        "model.cost_value": (
            "coût de {cost} pour 1\u202f000 demandes, soit autant que {cost} bons clients refusés"
        ),
        "model.cost_axis": "Coût pour 1\u202f000 demandes",
        "model.cost_name": "Coût pour 1\u202f000 demandes (en bons clients refusés)",
        "model.approval_axis": "Taux d’acceptation",
        "model.threshold_axis": "Seuil sur le risque de défaut estimé",
        "model.optimum_line": "◆ Optimal {threshold}",
        "model.production_line": "Production {threshold}",
        "model.cost_summary": (
            "Pour un rapport {ratio}, le seuil optimal est {threshold}\u00a0: un coût de {cost} pour "
            "1\u202f000 demandes (autant que {cost} bons clients refusés), {approval} accordées. "
            "Au seuil de production ({production}), le coût serait de {production_cost}."
        ),
        "model.calibration_title": "Calibration\u00a0: risque prédit et défauts observés",
        "model.predicted_axis": "Risque prédit (moyenne du décile)",
        "model.observed_axis": "Taux de défaut observé",
        "model.model_name": "Modèle (hors échantillon)",
        "model.perfect_name": "Calibration parfaite",
        "model.count_label": "Demandes\u00a0:",
        "model.calibration_summary": (
            "Brier {brier}. Le risque prédit s’écarte en moyenne de {ece} points du taux observé\u00a0; le "
            "plus grand écart ({gap} points) est au décile {bin} sur {bins}\u00a0: {predicted} prédit, "
            "{observed} observé."
        ),
        "model.fairness_title": "Équité au seuil de production",
        "model.fairness_intro": (
            "Résultats par groupe sur les {n} clients étiquetés, au seuil {threshold}, hors échantillon. Le "
            "sexe et l’âge viennent de la demande (CODE_GENDER, DAYS_BIRTH), que le modèle les utilise ou "
            "non."
        ),
        "model.fairness_summary": "Écarts au-delà de la tolérance\u00a0: {flagged} sur {judged} mesurables.",
        "model.fairness.gender": "Par sexe",
        "model.fairness.age_band": "Par tranche d’âge",
        "model.col.group": "Groupe",
        "model.col.n": "Demandes",
        "model.col.default_rate": "Taux de défaut observé",
        "model.col.approval_rate": "Taux d’acceptation",
        "model.col.fnr": "Défauts acceptés (FNR)",
        "model.col.fpr": "Bons clients refusés (FPR)",
        "model.col.auc": "ROC AUC",
        "model.gap": "Plus grand écart",
        "model.points": "{value}\u00a0pts",
        "model.ratio": "rapport {value}",
        "model.status.flagged": "À examiner",
        "model.status.within": "Dans la tolérance",
        "model.status.too_small": "Trop peu de clients pour juger",
        "model.status.context": "Contexte, non signalé",
        "model.not_judged": "moins de {min} clients\u00a0: non jugé",
        "model.tolerances": (
            "Tolérances\u00a0: le groupe le moins accordé doit l’être au moins à 80\u202f% du plus accordé "
            "(règle des quatre cinquièmes)\u00a0; au plus 10 points d’écart sur les défauts acceptés et sur "
            "les bons clients refusés\u00a0; au plus 0,05 de ROC AUC. Un taux n’est jugé que sur {min} "
            "clients au moins (○ sinon). Justification\u00a0: note méthodologique (make report)."
        ),
        "model.gender_feature_yes": (
            "Le modèle utilise des variables dérivées du sexe\u00a0: {features}. Ce choix est discuté dans "
            "la note méthodologique."
        ),
        "model.gender_feature_no": (
            "Le modèle n’utilise aucune variable dérivée du sexe\u00a0; l’audit ci-dessus mesure quand même "
            "l’effet des variables qui pourraient s’y substituer."
        ),
        "model.age.under_25": "Moins de 25 ans",
        "model.age.25_34": "25 à 34 ans",
        "model.age.35_44": "35 à 44 ans",
        "model.age.45_54": "45 à 54 ans",
        "model.age.55_plus": "55 ans et plus",
        "model.registry_title": "Champion et challengers au registre",
        "challenger.title": "Champion contre challenger (en ombre)",
        "challenger.intro": (
            "Le challenger note chaque nouvelle demande sans décider ni être montré à un client : voici ce "
            "que les deux modèles ont dit des mêmes demandes."
        ),
        "challenger.none": "Aucun challenger : `train` exporte le prochain modèle dans {folder}.",
        "challenger.versions": "Champion v{champion} contre challenger v{challenger}.",
        "challenger.no_common": (
            "Le challenger v{version} n’a encore noté aucune demande notée par le champion."
        ),
        "challenger.caption": "Les deux modèles sur les demandes que chacun a notées",
        "challenger.col.figure": "Mesure",
        "challenger.col.value": "Valeur",
        "challenger.n": "Demandes notées par les deux",
        "challenger.agreement": "Décisions identiques",
        "challenger.refused_champion_only": "Refusées par le champion seul",
        "challenger.refused_challenger_only": "Refusées par le challenger seul",
        "challenger.mean_shift": "Écart moyen de probabilité (challenger − champion)",
        "challenger.shift_quantile": "Écart de probabilité, quantile {q}",
        "challenger.cost": "Coût par demande sur {n} issue(s) connue(s)",
        "challenger.cost_value": "champion {champion} ; challenger {challenger}",
        "challenger.no_outcomes": "aucune issue connue pour l’instant",
        "challenger.promote_title": "Promouvoir le challenger",
        "challenger.reason": "Motif (enregistré)",
        "challenger.force": "Forcer malgré la porte (le motif est enregistré, la promotion marquée forcée)",
        "challenger.promote": "Promouvoir v{version}",
        "challenger.promoted": (
            "{version} est le champion : l’application le sert d’ici quelques secondes, sans redémarrage."
        ),
        "challenger.refused": "Promotion refusée : {message}",
        "challenger.reason_missing": "Donnez le motif de la promotion : il est enregistré.",
        "perf.title": "Performance réelle par lot (issues connues)",
        "perf.intro": (
            "Sur les demandes de chaque lot notées par ce modèle dont l'issue est connue\u00a0: "
            "chaque chiffre avec son intervalle bootstrap à 95\u00a0%, à côté de ce que la validation "
            "croisée promettait."
        ),
        "perf.none": "Aucune issue connue pour ce modèle. Enregistrez-les avec\u00a0:",
        "perf.batch": "Lot {batch}\u00a0: {n_outcomes} issues connues sur {n} demandes",
        "perf.table_caption": "Performance réelle du lot {batch} et promesse de la validation croisée",
        "perf.col.figure": "Indicateur",
        "perf.col.observed": "Observé",
        "perf.col.interval": "Intervalle à 95\u00a0%",
        "perf.col.cv": "Promis (validation croisée)",
        "perf.roc_auc": "ROC AUC",
        "perf.cost": "Coût métier par demandeur",
        "perf.approval_rate": "Taux d'acceptation",
        "perf.default_rate": "Taux de défaut",
        "perf.interval": "{low} à {high}",
        "perf.reason.too_few": "trop peu d'issues pour un intervalle",
        "perf.reason.one_class": "une seule classe parmi les issues",
        "perf.reason.none": "non calculable",
        "perf.cost_warning": (
            "⚠ Le coût promis par la validation croisée ({cv}) sort de l'intervalle du coût observé "
            "({low} à {high})\u00a0: le modèle ne tient plus sa promesse sur ce lot."
        ),
        "perf.cost_ok": "✓ Le coût promis par la validation croisée est dans l'intervalle du coût observé.",
        "perf.calibration_caption": (
            "Calibration du lot {batch} par décile\u00a0: risque prédit et défauts observés"
        ),
        "perf.col.decile": "Décile",
        "perf.col.n": "Demandes",
        "perf.col.predicted": "Risque prédit (moyenne)",
        "perf.col.observed_rate": "Défauts observés",
        "model.registry_single": (
            "Le registre ne contient qu’une version de {name}\u00a0: rien à comparer pour l’instant."
        ),
        "model.registry_note": (
            "Chiffres de validation croisée enregistrés avec chaque version, la plus récente en tête. Une "
            "nouvelle version ne devient champion que si elle fait baisser le coût métier."
        ),
        "model.registry_summary": (
            "Champion\u00a0: version {champion} (coût {champion_cost} par demande)\u00a0; dernière "
            "version\u00a0: {latest} (coût {latest_cost})."
        ),
        "model.reg.version": "Version",
        "model.reg.role": "Rôle",
        "model.reg.created": "Enregistrée le",
        "model.reg.candidate": "Configuration",
        "model.reg.auc": "ROC AUC ± écart-type",
        "model.reg.cost": "Coût par demande",
        "model.reg.threshold": "Seuil",
        "model.reg.weights": "Poids des coûts",
        "model.reg.run": "Run",
        "model.role.champion": "★ Champion",
        "model.role.challenger": "Challenger",
        "model.role.served": "servie par cette application",
        # audit log (admin)
        "audit.title": "Journal d’audit",
        "audit.admin": "Administrateur",
        "audit.intro": (
            "Chaque score affiché, explication consultée, simulation, appel à l’API et connexion, avec qui, "
            "quand, le modèle et le seuil en vigueur. Le plus récent d’abord."
        ),
        "audit.filters": "Filtrer le journal",
        "audit.user": "Utilisateur (contient)",
        "audit.kind": "Type d’événement",
        "audit.kind_all": "Tous les types",
        "audit.client": "Identifiant client",
        "audit.since": "Du (UTC)",
        "audit.until": "Au (UTC, inclus)",
        "audit.reset": "Effacer les filtres",
        "audit.export": "Exporter en CSV",
        "audit.export_note": "L’export suit les filtres ci-dessus et contient toutes les colonnes.",
        "audit.count_none": "Aucun événement ne correspond.",
        "audit.count_one": "1 événement.",
        "audit.count": "{count} événements, page {page} sur {pages}.",
        "audit.table": "Événements du journal d’audit",
        "audit.invalid.too_long": "Texte trop long (128 caractères au plus).",
        "audit.invalid.unknown_kind": "Type d’événement inconnu.",
        "audit.invalid.not_an_id": "Un identifiant client est un nombre entier (12 chiffres au plus).",
        "audit.invalid.not_a_date": "Date attendue au format AAAA-MM-JJ.",
        "audit.invalid.reversed": "La date de fin précède la date de début.",
        "audit.pending": (
            "{count} événement(s) en attente d’écriture dans la base : ils sont conservés dans {spool} "
            "et seront rejoués dès que la base répondra."
        ),
        "audit.database_down": "La base du journal refuse les écritures : {error}.",
        "audit.spool_problem": (
            "Le fichier de secours du journal n’est pas inscriptible ({problem}) : si la base tombe, "
            "les événements iront dans le journal d’erreurs du serveur."
        ),
        "audit.unreadable": "Impossible de lire le journal d’audit : {error}",
        "audit.col.occurred_at": "Date (UTC)",
        "audit.col.kind": "Événement",
        "audit.col.user_name": "Utilisateur",
        "audit.col.role": "Rôle",
        "audit.col.client_id": "Client",
        "audit.col.probability": "Risque",
        "audit.col.decision": "Décision",
        "audit.col.model_version": "Modèle",
        "audit.col.threshold": "Seuil",
        "audit.col.route": "Adresse",
        "audit.col.status": "Statut HTTP",
        "audit.col.detail": "Détail",
        "audit.kind.score_shown": "Score affiché",
        "audit.kind.explanation_viewed": "Explication consultée",
        "audit.kind.what_if": "Simulation",
        "audit.kind.api_call": "Appel API",
        "audit.kind.login": "Connexion",
        "audit.kind.login_failed": "Connexion refusée",
        "audit.kind.logout": "Déconnexion",
        "audit.kind.meeting_enter": "Début de rendez-vous",
        "audit.kind.meeting_leave": "Fin de rendez-vous (conseiller)",
        "audit.kind.meeting_exit_refused": "Sortie de rendez-vous refusée",
        "audit.kind.meeting_ended_by_admin": "Rendez-vous terminé par un administrateur",
        "audit.kind.human_decision": "Décision finale du conseiller",
        "audit.kind.application_submitted": "Nouvelle demande enregistrée",
        "audit.kind.summary_printed": "Récapitulatif imprimé",
        "audit.purpose.submit_application": "demande envoyée",
        "audit.purpose.record_decision": "décision du conseiller",
        "nav.new_application": "Nouvelle demande",
        "new_application.title": "Nouvelle demande de crédit",
        "new_application.intro": (
            "Saisissez la demande et, si vous les avez, les crédits déclarés au bureau de crédit et les "
            "demandes antérieures du client. Les montants sont en euros, les durées en années."
        ),
        "new_application.required_note": "Les champs marqués d’un astérisque (*) sont obligatoires.",
        "new_application.application": "Demande",
        "new_application.client_help": (
            "Laissez vide pour un nouveau client : un numéro lui est attribué à l’enregistrement."
        ),
        "new_application.age": "Âge",
        "new_application.no_job": "Sans emploi ni activité (retraite, études, recherche d’emploi)",
        "new_application.choose": "— Choisir —",
        "new_application.share_unit": "de 0 à 1",
        "new_application.submit": "Enregistrer et évaluer la demande",
        "new_application.whole": "Saisissez un nombre entier.",
        "new_application.between": "Saisissez un nombre entre {low} et {high}.",
        "new_application.at_most": "doit être inférieur ou égal à {bound}",
        "new_application.at_least": "doit être supérieur ou égal à {bound}",
        "new_application.finite": "nombre fini attendu",
        "new_application.too_many": "trop d’enregistrements : au plus {n}",
        "new_application.incomplete": "Demande incomplète : il manque {fields}.",
        "new_application.refused": "La demande n’a pas été enregistrée. Corrigez :",
        "new_application.already_sent": (
            "Ce formulaire a déjà enregistré une autre demande : rechargez la page pour en saisir "
            "une nouvelle."
        ),
        "new_application.not_stored": "Le stockage a refusé la demande : {message}",
        "new_application.records_help": "Facultatif. Un enregistrement laissé entièrement vide est ignoré.",
        "new_application.problem_at": "{place}\u00a0: {message}",
        "new_application.bureau.heading": "Crédits déclarés au bureau de crédit",
        "new_application.bureau.add": "Ajouter un crédit déclaré",
        "new_application.bureau.remove": "Retirer le crédit déclaré n° {n}",
        "new_application.bureau.legend": "Crédit déclaré n° {n}",
        "new_application.bureau.CREDIT_ACTIVE": "État du crédit",
        "new_application.bureau.DAYS_CREDIT": "Accordé il y a",
        "new_application.bureau.AMT_CREDIT_SUM": "Montant du crédit",
        "new_application.bureau.AMT_CREDIT_SUM_DEBT": "Restant dû",
        "new_application.bureau.AMT_CREDIT_SUM_OVERDUE": "Montant en retard",
        "new_application.bureau.CREDIT_DAY_OVERDUE": "Jours de retard",
        "new_application.previous_application.heading": "Demandes antérieures chez nous",
        "new_application.previous_application.add": "Ajouter une demande antérieure",
        "new_application.previous_application.remove": "Retirer la demande antérieure n° {n}",
        "new_application.previous_application.legend": "Demande antérieure n° {n}",
        "new_application.previous_application.NAME_CONTRACT_STATUS": "Issue de la demande",
        "new_application.previous_application.NAME_CONTRACT_TYPE": "Type de contrat",
        "new_application.previous_application.DAYS_DECISION": "Décidée il y a",
        "new_application.previous_application.AMT_APPLICATION": "Montant demandé",
        "new_application.previous_application.AMT_CREDIT": "Montant accordé",
        "new_application.previous_application.AMT_ANNUITY": "Mensualité",
        "new_application.previous_application.CNT_PAYMENT": "Nombre de mensualités",
        "new_application.level.Active": "En cours",
        "new_application.level.Closed": "Clos",
        "new_application.level.Sold": "Cédé",
        "new_application.level.Bad debt": "Créance irrécouvrable",
        "new_application.level.Approved": "Accordée",
        "new_application.level.Refused": "Refusée",
        "new_application.level.Canceled": "Annulée",
        "new_application.level.Unused offer": "Offre non utilisée",
        "new_application.level.Consumer loans": "Crédit à la consommation",
        "human.heading": "Décision du conseiller",
        "human.intro": (
            "Le score du modèle ne change pas : vous enregistrez la décision finale, en suivant le "
            "modèle ou en passant outre avec un motif."
        ),
        "human.model": "Décision du modèle : {decision}.",
        "human.none": "Aucune décision finale enregistrée pour cette demande.",
        "human.in_force": "Décision finale : {decision}.",
        "human.followed": "Le conseiller a suivi le modèle.",
        "human.overridden": "Le conseiller est passé outre le modèle.",
        "human.by": "Par {name}, le {moment} (UTC).",
        "human.reason_shown": "Motif : {reason}",
        "human.reason": "Motif (obligatoire pour passer outre)",
        "human.follow": "Suivre le modèle ({decision})",
        "human.override": "Passer outre ({decision})",
        "human.recorded": "Décision enregistrée.",
        "human.reason_required": "Indiquez le motif : passer outre le modèle demande un motif.",
        "human.reason_too_long": "Motif trop long : au plus {n} caractères.",
        "human.not_recorded": "La décision n’a pas été enregistrée : {message}",
        # take-home summary (app/summary.py)
        "summary.title": "Récapitulatif de votre demande de crédit",
        "summary.risk_beside_threshold": "{risk} (seuil {threshold})",
        "summary.reference": "Référence de votre demande",
        "summary.date": "Date",
        "summary.decision_title": "La décision",
        "summary.decision_final": "Décision finale\u00a0:",
        "summary.human_followed": (
            "Votre conseiller a examiné votre demande et pris cette décision le {day}, en suivant la "
            "proposition de l’outil d’évaluation automatique."
        ),
        "summary.human_overridden": (
            "Votre conseiller a examiné votre demande et pris cette décision le {day}, différente de la "
            "proposition de l’outil d’évaluation automatique."
        ),
        "summary.model_decision": "Proposition de l’outil d’évaluation\u00a0: {decision}.",
        "summary.decision_automated": (
            "Cette décision est proposée par un outil d’évaluation automatique du risque, à partir des "
            "informations de votre demande\u00a0; votre conseiller peut la réexaminer avec vous."
        ),
        "summary.risk": (
            "Votre risque estimé de ne pas rembourser le crédit est de {risk}\u00a0; le seuil d’acceptation "
            "est de {threshold}."
        ),
        "summary.threshold_meaning": (
            "Le seuil d’acceptation est le même pour toutes les demandes\u00a0: en dessous, le crédit est "
            "accordé\u00a0; à partir du seuil, il est refusé."
        ),
        "summary.reasons_title": "Les principales raisons",
        "summary.reasons_none": "Aucun élément notable.",
        "summary.offers_title": "Ce qui rendrait la demande acceptable",
        "summary.offers_caption": "Votre demande et les crédits qui passeraient sous le seuil d’acceptation",
        "summary.offers_col_offer": "Proposition",
        "summary.offers_col_amount": "Montant",
        "summary.offers_col_term": "Durée",
        "summary.offers_col_monthly": "Mensualité",
        "summary.offers_col_risk": "Risque estimé",
        "summary.offers_requested": "Votre demande",
        "summary.offer_kind.lower_amount": "Montant plus bas",
        "summary.offer_kind.longer_term": "Durée plus longue",
        "summary.offer_kind.both": "Montant plus bas, durée plus longue",
        "summary.offers_note": (
            "Propositions indicatives, dans les limites de nos offres\u00a0: elles ne constituent pas "
            "une offre de crédit."
        ),
        "summary.offers_none": (
            "Aucun crédit dans les limites de nos offres (un montant plus bas ou une durée plus longue) ne "
            "passerait sous le seuil d’acceptation."
        ),
        "summary.rights_title": "Vos droits",
        "summary.right_review": (
            "Demander qu’une personne réexamine la décision, donner votre point de vue et la contester, "
            "obtenir une explication de la décision."
        ),
        "summary.right_gdpr": (
            "Le RGPD (article\u00a022) vous donne le droit de ne pas faire l’objet d’une décision "
            "fondée exclusivement sur un traitement automatisé."
        ),
        "summary.right_credit": (
            "Crédit à la consommation (Code de la consommation, directive européenne)\u00a0: si un "
            "refus repose sur la consultation d’un fichier, vous en êtes informé gratuitement, avec le "
            "nom du fichier."
        ),
        "summary.contact_title": "Nous contacter",
        "summary.contact_advisor": "Votre conseiller",
        "summary.contact_advisor_text": "en agence, ou au {phone}",
        "summary.contact_complaints": "Réclamations",
        "summary.contact_data": "Protection des données",
        "summary.contact_data_text": "{email}\u00a0; réclamation possible auprès de la CNIL ({authority}).",
        "summary.footer": (
            "Document remis par {lender}. Il résume la décision sur votre demande et ne constitue pas une "
            "offre de crédit."
        ),
        "summary.print": "Imprimer",
        "summary.print_link": "Imprimer le récapitulatif",
        "summary.new_tab": "(s’ouvre dans un nouvel onglet)",
        "summary.error_title": "Récapitulatif indisponible",
        "summary.bad_lang": "Langue «\u00a0{given}\u00a0» inconnue\u00a0: choisissez parmi {languages}.",
        "summary.bad_client_id": (
            "«\u00a0{client_id}\u00a0» n’est pas un identifiant de client\u00a0: un nombre entier est "
            "attendu."
        ),
        "audit.purpose.page": "page affichée",
        "audit.purpose.simulate": "simulation",
        "audit.purpose.end_meeting": "rendez-vous terminé",
        "audit.meetings": "Rendez-vous en cours",
        "audit.meetings_intro": (
            "Terminer un rendez-vous déconnecte la session du conseiller\u00a0: l’écran montré au client "
            "revient à la page de connexion à sa prochaine requête."
        ),
        "audit.meetings_none": "Aucun rendez-vous en cours.",
        "audit.meeting_row": "{advisor} montre le client {client_id} (dernière activité {time} UTC)",
        "audit.meeting_end": "Terminer ce rendez-vous",
        "audit.meeting_ended": (
            "Rendez-vous de {advisor} (client {client_id}) terminé\u00a0; session déconnectée."
        ),
        "audit.meeting_gone": "Ce rendez-vous était déjà terminé.",
    },
    "en": {
        "app.title": "Prêt à dépenser – credit scoring",
        "value.missing": "not given",
        "value.missing_f": "not given",
        "value.yes": "yes",
        "value.no": "no",
        "unit.year": "{n} year",
        "unit.years": "{n} years",
        "unit.less_than_a_year": "less than a year",
        "unit.day": "{n} day",
        "unit.days": "{n} days",
        "unit.month": "{n} month",
        "unit.months": "{n} months",
        "unit.ago": "{duration} ago",
        "unit.in": "in {duration}",
        "decision.accept": "Credit granted",
        "decision.refuse": "Credit refused",
        "decision.summary": "Probability of default {probability}, threshold {threshold}: {decision}",
        "reason.raises": "raises the risk",
        "reason.lowers": "lowers the risk",
        "reason.raises_by": "Raises the risk by {points}.",
        "reason.lowers_by": "Lowers the risk by {points}.",
        "reason.raises_slightly": "Raises the risk slightly.",
        "reason.lowers_slightly": "Lowers the risk slightly.",
        "reason.concept": "{concept} — {feature}: {where}. {effect}",
        "reason.concept_plain": "{concept} — {feature}. {effect}",
        "standing.lowest10": "among the lowest 10% of applicants",
        "standing.lowest20": "among the lowest 20% of applicants",
        "standing.typical": "like most applicants",
        "standing.highest20": "among the highest 20% of applicants",
        "standing.highest10": "among the highest 10% of applicants",
        "standing.lowest10_date": "among the 10% of applicants with the most recent dates",
        "standing.lowest20_date": "among the 20% of applicants with the most recent dates",
        "standing.typical_date": "like most applicants",
        "standing.highest20_date": "among the 20% of applicants with the oldest dates",
        "standing.highest10_date": "among the 10% of applicants with the oldest dates",
        "reason.others": "Other factors",
        "error.unknown_field": "unknown field",
        "error.unknown_parameter": "unknown parameter",
        "error.not_a_number": "expected a number, got {value}",
        "error.not_whole": "expected a whole number, got {value}",
        "error.not_text": "expected text, got {value}",
        "error.unknown_level": "unknown value {value}; expected one of: {levels}",
        "error.below": "must be at least {bound}, got {value}",
        "error.above": "must be at most {bound}, got {value}",
        "error.positive": "must be above 0, got {value}",
        "error.flag": "expected 0 or 1, got {value}",
        "error.annuity_above_credit": "the monthly repayment cannot exceed the credit amount",
        "error.term_too_long": "repayment too long: more than {max} monthly repayments",
        "error.employed_before_age": "employment length exceeds age minus {min} years",
        "error.family_smaller_than_children": "the family counts at least the children plus the client",
        "error.not_an_object": "expected a JSON object of fields",
        "error.rejected": "the request was rejected by validation",
        "api.not_found": "no such resource: {path}",
        "api.unknown_client": "unknown client: {client_id}",
        "api.bad_client_id": "invalid client id: {client_id} (expected a whole number)",
        "api.method_not_allowed": "method {method} not allowed here",
        "api.unsupported_media_type": "the request body must be JSON (Content-Type: application/json)",
        "api.bad_json": "unreadable JSON: {detail}",
        "api.invalid_fields": "some fields are invalid",
        "api.invalid_parameters": "some query parameters are invalid",
        "api.server_refused": "request refused by the server: {detail}",
        "api.internal_error": "internal error; it has been logged",
        "error.required": "required field",
        "error.too_long": "at most {max} characters, got {count}",
        "api.incomplete_application": "incomplete application: missing {fields}",
        "api.invalid_credit_file": "invalid credit file: one message per field in `fields`",
        "api.bad_idempotency_key": (
            "invalid Idempotency-Key header: 1 to 255 visible ASCII characters, no spaces"
        ),
        "api.idempotency_conflict": (
            "this Idempotency-Key was already used for another credit file: "
            "send a new key for a new application"
        ),
        "api.unknown_application": "unknown application: {application_id}",
        "api.reason_required": "overriding the model's decision needs a reason (field reason)",
        "api.not_scored_by_model": (
            "this application was not scored by the serving model (version {version}): "
            "the final decision is taken on its score"
        ),
        "api.body_too_large": "request body too large: at most {limit}",
        "startup.artifacts_missing": "artifacts missing or incomplete",
        "auth.title": "Sign in",
        "auth.intro": "Sign in with the user name and password your administrator gave you.",
        "auth.username": "User name",
        "auth.password": "Password",
        "auth.submit": "Sign in",
        "auth.error.invalid": "Wrong user name or password.",
        "auth.error.locked": "Too many failed attempts: try again in {minutes} min or ask an administrator.",
        "auth.error.csrf": "The form expired: type your user name and password again.",
        "auth.error.missing": "Type your user name and your password.",
        "auth.error.unavailable": (
            "Signing in is not possible right now (the app database is unavailable): "
            "try again in a few minutes."
        ),
        "auth.signed_out_notice": "You are signed out.",
        "auth.signed_out_title": "Sign-in required",
        "auth.signed_out": "Your session expired or you are not signed in: please sign in.",
        "auth.forbidden_title": "Access denied",
        "auth.forbidden": "This page is for administrators only.",
        "auth.csrf_title": "Form expired",
        "auth.csrf": "The form expired: reload the page and try again.",
        "auth.api_no_token": "missing access token: send the header Authorization: Bearer <token>",
        "auth.api_bad_token": "invalid or revoked access token",
        "auth.bad_callback": "unreadable update request",
        "auth.meeting_only": "meeting mode in progress: only the client's view is available",
        "api.forbidden": "access denied: for the roles {roles} only",
        "role.advisor": "advisor",
        "role.admin": "administrator",
        "nav.account": "{name} ({role})",
        "nav.logout": "Sign out",
        "errorpage.http_title": "Error {status}",
        "errorpage.http_400": "The request is not valid.",
        "errorpage.http_404": "This page does not exist.",
        "errorpage.http_405": "This action is not possible here.",
        "errorpage.http_other": "The request could not be completed.",
        "errorpage.unexpected_title": "Something went wrong",
        "errorpage.unexpected": (
            "An unexpected error occurred. It was logged under the reference {reference}: give it to support."
        ),
        "errorpage.home": "Back to the portfolio",
        "meeting.start": "Meeting mode",
        "meeting.start_help": "Show the client their own view, with no other data",
        "meeting.badge": "Client view",
        "meeting.title": "Your credit application",
        "meeting.title_generic": "Meeting mode",
        "meeting.inactive": "Meeting mode is not on for this client: start it from the client's file.",
        "meeting.bad_client": "Meeting mode cannot start: unknown client “{client_id}”.",
        "meeting.gauge_title": "Your estimated default risk",
        "meeting.against": "What weighs against your application",
        "meeting.for": "What works in your favour",
        "meeting.similar": (
            "Of the {count} past applications closest to yours, {rate} were not repaid "
            "(all past applications: {overall})."
        ),
        "meeting.leave_title": "End of the meeting (for the advisor)",
        "meeting.password": "Advisor's password",
        "meeting.leave": "Leave meeting mode",
        "meeting.error.wrong": "Wrong password.",
        "meeting.error.wait": "Attempt refused: the delay after wrong passwords was still running.",
        "meeting.wait": "Try again in {seconds} s.",
        "meeting.wait_over": "You can try again.",
        "meeting.error.csrf": "The form expired: try again.",
        # pages (pages/ and components/, through the pages)
        "nav.skip": "Skip to content",
        "busy.working": "Working…",
        "nav.brand": "Prêt à dépenser",
        "nav.label": "Main navigation",
        "nav.home": "Portfolio",
        "nav.clients": "Clients",
        "nav.client": "Client file",
        "nav.explanation": "Explanation",
        "nav.comparison": "Comparison",
        "nav.what_if": "What if",
        "nav.drift": "Drift (admin)",
        "nav.drift_soon": "coming soon",
        "nav.model": "Model (admin)",
        "nav.audit": "Audit (admin)",
        "nav.language": "Language",
        "nav.french": "Français",
        "nav.english": "English",
        "table.first_page": "First page",
        "table.previous_page": "Previous page",
        "table.next_page": "Next page",
        "table.last_page": "Last page",
        "table.page_input": "Go to page (page {current} of {count})",
        "picker.label": "Client id",
        "picker.placeholder": "e.g. 100001",
        "picker.open": "Open",
        "picker.unknown": "No client has the id {client_id}.",
        "picker.not_a_number": "Type a numeric id, e.g. 100001.",
        "picker.none": "Choose a client to show this page.",
        "home.title": "Application portfolio",
        "home.count": "applications to review",
        "home.approval_rate": "granted at the current threshold",
        "home.threshold": "acceptance threshold (default risk)",
        "home.mean_risk": "mean estimated risk",
        "home.chart_title": "Distribution of estimated risks",
        "home.summary": (
            "At the {threshold} threshold, {approved} of {count} applications are granted ({approval_rate}); "
            "{refused} are refused."
        ),
        "home.search": "Find a client",
        "home.all_clients": "Browse and filter all clients",
        "home.filters": "Which applications?",
        # batch and received-date filters (portfolio, clients)
        "filters.batches": "Application batches (all when none is ticked)",
        "filters.batch_option": "{name} – {count} applications, received from {day}",
        "filters.export_batch": "First batch (the export’s clients)",
        "filters.received": "Date received",
        "filters.received_from": "Received from",
        "filters.received_to": "Received until (inclusive)",
        "filters.bad_date": "Date received: “{value}” is not a date (YYYY-MM-DD).",
        "filters.reversed_dates": "The start date is after the end date: the received dates filter nothing.",
        "filters.unknown_batch": "A chosen batch no longer exists: reload the page.",
        "chart.risk_axis": "Estimated default risk",
        "chart.count_axis": "Number of clients",
        "chart.share_axis": "Share of the group",
        "chart.accepted": "✓ Granted (below threshold)",
        "chart.refused": "✗ Refused (above threshold)",
        "chart.threshold": "Threshold {threshold}",
        "chart.client": "This client",
        "chart.client_value": "This client: {value}",
        "chart.others": "Other clients",
        "chart.contribution_axis": "Contribution to risk (log-odds)",
        "chart.base": "Average risk",
        "chart.final": "Client’s risk",
        "chart.other_features": "{count} other features",
        "chart.other_concepts": "{count} other themes",
        "chart.points_short": "{n} pt",
        "chart.points_short_plural": "{n} pts",
        "chart.risk_percent_axis": "Estimated risk (%)",
        "chart.log_odds_axis": "Risk in calibrated log-odds (logit of the probability)",
        "chart.log_odds_level": "{log_odds} (risk {risk})",
        "chart.concept_features": "Main features:",
        "chart.importance_points_axis": "Average effect on an applicant’s risk (points)",
        "chart.importance_log_odds_axis": "Mean |SHAP| per feature (log-odds, before calibration)",
        "client.title": "Client {client_id}",
        "client.gauge_title": "Estimated default risk",
        "client.threshold_mark": "Acceptance threshold: {threshold}",
        "client.risk_sentence": (
            "The estimated risk is {probability}; the acceptance threshold is {threshold}."
        ),
        "client.distance_above": "It is {points} above the threshold.",
        "client.distance_below": "It is {points} below the threshold.",
        "client.distance_at": "It reaches the threshold.",
        "client.points": "{n} point",
        "client.points_plural": "{n} points",
        "client.gauge_summary": "Risk {probability} for a {threshold} threshold: {decision}.",
        "client.facts": "About the application",
        "client.why": "Why this decision?",
        "client.compare": "Compare with other clients",
        "client.what_if": "Try another application",
        "client.term": "Repayment term",
        "client.term_value": "{n} monthly repayments",
        "client.next_steps": "Go further",
        "client.unknown": "No client has the id {client_id}.",
        "explanation.title": "Why this result? Client {client_id}",
        "explanation.reasons": "Main reasons",
        "explanation.waterfall_title": "From the average risk to the client’s risk",
        "explanation.waterfall_summary": (
            "Starting from an average risk of {base}, the client’s application brings it to {final}, theme "
            "by theme (the points add up). {raises} {lowers}"
        ),
        "explanation.waterfall_summary_log_odds": (
            "In calibrated log-odds, from the average level {base_log_odds} (risk {base}) to the client’s "
            "{final_log_odds} (risk {final}): the contributions add up exactly. {raises} {lowers}"
        ),
        "explanation.list_separator": "; ",
        "explanation.raises": "Raising it most: {features}.",
        "explanation.lowers": "Lowering it most: {features}.",
        "explanation.importance_title": "What matters most to the model, over all clients",
        "explanation.importance_summary": "The three most influential features overall: {features}.",
        "explanation.hint": (
            "Each bar is a theme: hover over it to read its main features, click it to open it in the "
            "detail below."
        ),
        "explanation.view": "Show in",
        "explanation.view_points": "Points of risk",
        "explanation.view_log_odds": "Log-odds (data scientist)",
        "explanation.concepts_title": "Theme by theme",
        "explanation.concepts_intro_points": (
            "Open a theme to see its features. Each one’s effect is counted in points of risk: a theme’s "
            "effects add up to its total."
        ),
        "explanation.concepts_intro_log_odds": (
            "Open a theme to see its features and their exact contribution in calibrated log-odds (SHAP "
            "values): a theme’s contributions add up to its total."
        ),
        "explanation.concept_item": "{label}: {effect}",
        "explanation.concept_caption": "Features of the theme “{label}”",
        "explanation.col.feature": "Feature",
        "explanation.col.value": "Client’s value",
        "explanation.col.where": "Among applicants",
        "explanation.col.points": "Effect on risk",
        "explanation.col.log_odds": "Contribution (log-odds)",
        "explanation.where_none": "—",
        "explanation.importance_summary_concepts": (
            "On average over {count} training applicants, the themes that move the risk most: {concepts}."
        ),
        "clients.title": "All clients",
        "clients.filters": "Filters",
        "clients.from": "from",
        "clients.to": "to",
        "clients.credit": "Credit amount",
        "clients.income": "Annual income",
        "clients.age": "Age",
        "clients.risk": "Estimated risk",
        "clients.decision": "Decision",
        "clients.contract": "Contract type",
        "clients.education": "Education",
        "clients.housing": "Housing",
        "clients.count": "{count} clients match",
        "clients.count_one": "1 client matches",
        "clients.count_none": "No client matches these filters.",
        "clients.reset": "Clear filters",
        "clients.table": "Client list (click an id to open the client’s file)",
        "clients.invalid_range": "“{field}”: the lower bound is above the upper bound.",
        "clients.accepted": "✓ Granted",
        "clients.refused": "✗ Refused",
        "clients.sort": "Sort by",
        "clients.sort_risk_desc": "Risk, highest first",
        "clients.sort_risk_asc": "Risk, lowest first",
        "clients.sort_credit_desc": "Credit amount, highest first",
        "clients.sort_income_desc": "Income, highest first",
        "clients.sort_age_asc": "Age, youngest first",
        "clients.sort_id_asc": "Client id",
        "clients.sort_received_desc": "Date received, latest first",
        "clients.batch": "Batch",
        "clients.received": "Received on",
        "clients.model_decision": "Model’s decision",
        "clients.final_decision": "Advisor’s decision",
        "clients.follows": "{decision} (follows the model)",
        "clients.overrides": "{decision} (overrides the model)",
        "clients.undecided": "— to decide",
        "unit.euros": "€",
        "unit.years_short": "years",
        "unit.percent": "%",
        "comparison.title": "Compare client {client_id}",
        "comparison.group": "Compare with",
        "comparison.group_all": "All past clients",
        "comparison.group_similar": "The most similar past clients",
        "comparison.group_outcome": "Clients who repaid and clients who defaulted",
        "comparison.all": "All past clients",
        "comparison.similar": "Similar clients",
        "comparison.repaid": "Repaid",
        "comparison.defaulted": "Defaulted",
        "comparison.feature": "Feature to compare",
        "comparison.x": "Horizontal axis",
        "comparison.y": "Vertical axis",
        "comparison.distribution_title": "Where does the client stand?",
        "comparison.caption": "For this client, {feature}: {value}; {places}.",
        "comparison.caption_alone": "For this client, {feature}: {value}.",
        "comparison.and": " and ",
        "comparison.higher.all": "higher than for {share} of all past clients",
        "comparison.higher.similar": "higher than for {share} of the {count} most similar past clients",
        "comparison.higher.repaid": "higher than for {share} of the clients who repaid",
        "comparison.higher.defaulted": "higher than for {share} of the clients who defaulted",
        "comparison.same.all": "like {share} of all past clients",
        "comparison.same.similar": "like {share} of the {count} most similar past clients",
        "comparison.same.repaid": "like {share} of the clients who repaid",
        "comparison.same.defaulted": "like {share} of the clients who defaulted",
        "comparison.client_decision": "{client} ({decision})",
        "comparison.scatter_title": "Two features at once",
        "comparison.scatter_summary": (
            "Each dot is a past client ({count} shown), coloured by risk; the star is this client."
        ),
        "comparison.similar_rate": (
            "Among the {count} most similar past clients, {rate} defaulted (all past clients: {overall})."
        ),
        "comparison.other_client": "Compare with client",
        "comparison.difference_title": "What separates the two clients",
        "comparison.difference": "Difference (client {first} − client {second})",
        "comparison.difference_summary": (
            "Risk of client {first}: {first_probability}; of client {second}: {second_probability}. "
            "What separates them most: {features}."
        ),
        "comparison.choose_other": "Choose a second client to compare both explanations.",
        "comparison.view": "Compare the explanations",
        "comparison.view_concepts": "By theme (points of risk)",
        "comparison.view_features": "By feature (log-odds, data scientist)",
        "comparison.points_axis": "Effect on risk (points)",
        "what_if.title": "What if, for client {client_id}",
        "what_if.intro": (
            "Change the application: the risk is recomputed when you leave a field or press Enter."
        ),
        "what_if.form": "Changed application",
        "what_if.term": "Repayment term",
        "what_if.term_help": (
            "In months. Changing the amount keeps the loan's term and rate; changing the term or the monthly "
            "payment recomputes the other at the same rate."
        ),
        "what_if.employed": "Time in current job",
        "what_if.term_unit": "months",
        "what_if.reset": "Back to the original application",
        "what_if.original": "Original application",
        "what_if.simulated": "Simulated application",
        "what_if.change": "The risk goes from {before} to {after} ({difference}).",
        "what_if.unchanged": "Nothing changed: the risk stays at {before}.",
        "what_if.fix_fields": "Correct the fields marked to recompute the risk.",
        "what_if.not_a_number": "Type a number, e.g. 12,500 or 12,500.50 (got “{value}”).",
        "what_if.required": "This field is required.",
        "what_if.must_be_positive": "Type a number above zero.",
        "what_if.must_not_be_negative": "Type a number of zero or more.",
        # drift page (admin)
        "drift.title": "Data drift",
        "drift.admin": "Administrator",
        "drift.intro": "Do production applications still look like those the model learnt from?",
        "drift.drifted": "Drift detected",
        "drift.stable": "No dataset drift",
        "drift.banner_counts": (
            "{drifted} of {columns} columns drifted ({share}); the dataset drifts from {limit}."
        ),
        "drift.built": "Report built on {date} from {folder}: {reference} reference applications "
        "(application_train) and {current} in production (application_test).",
        "drift.missing": "No drift report has been built yet for these artifacts ({folder}).",
        "drift.how_to": "Build it with {make} or with {command}, then reload the page.",
        "drift.corrupt": "The drift summary cannot be read: {problem}",
        "drift.table_title": "Drift by column",
        "drift.table_note": "Drifted columns first (model features on top), then by score.",
        "drift.col.label": "Variable",
        "drift.col.column": "Code",
        "drift.col.method": "Test",
        "drift.col.score": "Score",
        "drift.col.threshold": "Threshold",
        "drift.col.drifted": "Drifted",
        "drift.col.importance": "Importance (mean |SHAP|)",
        "drift.yes": "⚠ Yes",
        "drift.no": "No",
        "drift.score_title": "Risk score: reference and production",
        "drift.reference": "Reference (out-of-fold)",
        "drift.production": "Production",
        "drift.risk_axis": "Estimated default risk",
        "drift.share_axis": "Share of clients",
        "drift.psi.stable": "stable",
        "drift.psi.moderate": "moderate drift",
        "drift.psi.significant": "significant drift",
        "drift.score_summary": (
            "Score PSI: {psi} ({reading}). Mean risk {reference} in reference, {current} in production."
        ),
        "drift.report_title": "Evidently report",
        "drift.report_show": "Show the report",
        "drift.report_open": "Open in a new tab",
        "drift.report_open_full": "Open the full report (every column) in a new tab",
        "drift.report_english": (
            "The evidently report is in English only (evidently has no French); the table above gives its "
            "results in the page's language."
        ),
        "drift.report_light": (
            "The report shown here is cut to the score and the columns to read first (drifted ones, then the "
            "model's most important), so that it appears quickly; the full report shows every column but "
            "takes several seconds to appear."
        ),
        "drift.report_whole": "This report shows every column: it may take several seconds to appear.",
        "drift.test.wasserstein": "Distribution distance (Wasserstein)",
        "drift.test.jensen_shannon": "Category-share distance (Jensen-Shannon)",
        "drift.test.ks": "Kolmogorov-Smirnov test (p-value)",
        "drift.test.chi_square": "Chi-square test (p-value)",
        "drift.test.z": "Z-test of proportions (p-value)",
        "drift.test.psi": "Population stability (PSI)",
        "drift.report_frame": "Evidently drift report",
        "drift.report_missing": "The HTML report is missing: rebuild it with {make}.",
        "drift.important": "Important features drifted",
        "drift.important_detail": (
            "Evidently's rule (share of drifted columns) finds no dataset drift, but {count} of the "
            "model's {top} most important features drifted: {features}."
        ),
        "drift.oneoff_title": "One-off report: application_train against application_test",
        "drift.history_title": "History by batch",
        "drift.history_intro": (
            "Each stored batch of applications, compared with the training applications (model {model})."
        ),
        "drift.history_empty": "No batch has been analysed yet for the serving model ({model}).",
        "drift.history_stored": "Stored batches not analysed yet: {batches}.",
        "drift.history_how_to": "Build each batch's analysis with {command}, then reload the page.",
        "drift.history_corrupt": "The drift history cannot be read: {problem}",
        "drift.window": "Group by",
        "drift.window.batch": "batch",
        "drift.window.month": "month",
        "what_if.recomputed_amount": (
            "Monthly payment recomputed: {payment} (same term of {term}, same rate)."
        ),
        "what_if.recomputed_ratio": (
            "Monthly payment recomputed: {payment} (the same share of the amount: this loan has no readable "
            "rate)."
        ),
        "what_if.recomputed_term": "Monthly payment recomputed: {payment} (over {term}, same rate).",
        "what_if.recomputed_payment": "Term recomputed: {term} (same rate).",
        "what_if.recomputed_goods": "Price of the goods financed, in proportion to the amount: {goods}.",
        "what_if.term_unpriced": (
            "The term cannot change: this loan has no readable rate (revolving credit, no monthly payment "
            "or more than 60 months)."
        ),
        "what_if.payment_too_small": (
            "This payment does not cover the month's interest: the loan would never be repaid."
        ),
        "recourse.title": "What would change the decision",
        "recourse.intro": "These applications would be accepted, at the same interest rate:",
        "recourse.lower_amount": "Borrow {amount} instead of {asked}, over {term}",
        "recourse.lower_amount_no_term": "Borrow {amount} instead of {asked}",
        "recourse.longer_term": "Borrow {amount} over {term} instead of {asked_term}",
        "recourse.both": "Borrow {amount} instead of {asked}, over {term} instead of {asked_term}",
        "recourse.payment": "monthly payment {payment}",
        "recourse.risk": "risk {risk}",
        "recourse.risk_and_threshold": "risk {risk}, threshold {threshold}",
        "recourse.offer": "{what}: {details}.",
        "recourse.none": (
            "No application within our limits would be accepted: neither a lower amount (down to {smallest}) "
            "nor a longer term (up to {longest})."
        ),
        "drift.window.week": "week",
        "drift.latest": "Latest batch, {subject}: {verdict}",
        "drift.latest_counts": (
            "{n} applications received {period}; score PSI {psi} ({reading}); {share} of the columns drifted."
        ),
        "drift.period": "from {first} to {last}",
        "drift.period_unknown": "(dates unknown)",
        "drift.band.stable": "stable",
        "drift.band.moderate": "moderate",
        "drift.band.significant": "strong",
        "drift.batch_axis": "Batch",
        "drift.psi_axis": "Score PSI",
        "drift.trend_title": "Score PSI, batch by batch",
        "drift.trend_summary": (
            "Score PSI: {first} at the first batch ({first_subject}), {last} at the latest "
            "({last_subject}), {reading} drift. Bands: stable under 0.1, moderate up to 0.25, strong beyond."
        ),
        "drift.grid_title": "Drift of the most important features, batch by batch",
        "drift.grid_summary_none": (
            "None of the {count} most important features drifted in the latest batch ({subject})."
        ),
        "drift.grid_summary": (
            "In the latest batch ({subject}), {drifted} of the {count} most important features "
            "drifted: {features}."
        ),
        "drift.grid_note": (
            "Each cell: the feature's PSI (light fill stable, pale orange moderate, orange strong) and ⚠ "
            "when evidently finds drift; – when the batch did not compare it."
        ),
        "drift.grid_table": "See the grid as a table",
        "drift.col.subject": "Batch",
        "drift.col.period": "Received",
        "drift.col.n": "Applications",
        "drift.col.psi": "Score PSI",
        "drift.col.reading": "Reading",
        "drift.col.verdict": "Verdict",
        "drift.col.important": "Important features drifted",
        "drift.col.feature": "Feature",
        "drift.verdict.drifted": "⚠ dataset drift",
        "drift.verdict.important": "⚠ important features",
        "drift.verdict.stable": "✓ stable",
        "drift.none": "none",
        "drift.batch_report": "Open the evidently report of batch {subject} (new tab)",
        "drift.batch_report_missing": (
            "The evidently report of batch {subject} was not written; {command} builds it."
        ),
        # model governance page (admin)
        "model.title": "Model governance",
        "model.admin": "Administrator",
        "model.intro": (
            "Which model decides, how well, at which threshold, at what cost if the cost assumption changes, "
            "and does it treat groups of clients alike? Every figure comes from the training's out-of-fold "
            "predictions."
        ),
        "model.governance_missing": (
            "These artifacts hold no governance audit (governance.json): calibration, fairness and the "
            "registry cannot be shown."
        ),
        "model.governance_corrupt": "The governance audit cannot be read: {problem}",
        "model.how_to": "Retrain with {make} or with {command}, then restart the app.",
        "model.card_title": "Model card",
        "model.card.name": "Model",
        "model.card.version": "Registry version",
        "model.card.version_value": "{version} (alias: {aliases})",
        "model.card.run": "MLflow run",
        "model.card.run_link": "Open the run in MLflow",
        "model.card.run_how_to": (
            "Local tracking (SQLite): run {command}, then open this run on http://127.0.0.1:5000."
        ),
        "model.card.data": "Training data",
        "model.card.data_value": (
            "{rows} labelled applications, {defaulters} of them defaults ({rate}); trained on {date}"
        ),
        "model.card.fingerprint": "Data fingerprint (SHA-256)",
        "model.card.features": "Features",
        "model.card.features_value": "{count} features; derived from sex: {gender}",
        "model.card.none": "none",
        "model.card.auc": "ROC AUC (cross-validation)",
        "model.card.auc_value": "{auc} ± {std} (standard deviation over {folds} folds: {by_fold})",
        "model.card.cost": "Business cost per application (cross-validation)",
        "model.card.cost_value": (
            "{cost} at the threshold, against {accept_all} when accepting everyone (unit: the cost of one "
            "good client refused)"
        ),
        "model.card.threshold": "Decision threshold (production)",
        "model.card.threshold_value": "{threshold}: refused as soon as the estimated risk reaches it",
        "model.card.weights": "Cost weights",
        "model.card.weights_value": "default accepted (FN): {fn}; good client refused (FP): {fp}",
        "model.card.brier": "Brier score (out-of-fold)",
        "model.cost_title": "Business cost against the threshold",
        "model.cost_note": (
            "This slider explores another cost assumption: it does not change the production threshold "
            "({threshold}), which only a new training changes."
        ),
        "model.ratio_label": "FN:FP cost ratio (a default accepted costs as much as N good clients refused)",
        "model.ratio_value": "{ratio}:1",
        "model.ratio_production": "In production: {ratio}. Arrow keys change it one step at a time.",
        "model.ratio_invalid": "Choose a whole ratio from {min} to {max}.",
        "model.optimal_label": "Optimal threshold for this ratio",
        "model.cost_label": "Expected cost at the optimal threshold",
        "model.cost_value": "a cost of {cost} per 1,000 applications, as much as {cost} good clients refused",
        "model.cost_axis": "Cost per 1,000 applications",
        "model.cost_name": "Cost per 1,000 applications (in good clients refused)",
        "model.approval_axis": "Approval rate",
        "model.threshold_axis": "Threshold on the estimated default risk",
        "model.optimum_line": "◆ Optimal {threshold}",
        "model.production_line": "Production {threshold}",
        "model.cost_summary": (
            "For a ratio of {ratio}, the optimal threshold is {threshold}: a cost of {cost} per 1,000 "
            "applications (as much as {cost} good clients refused), {approval} granted. At the production "
            "threshold ({production}) the cost would be {production_cost}."
        ),
        "model.calibration_title": "Calibration: predicted risk and observed defaults",
        "model.predicted_axis": "Predicted risk (decile mean)",
        "model.observed_axis": "Observed default rate",
        "model.model_name": "Model (out-of-fold)",
        "model.perfect_name": "Perfect calibration",
        "model.count_label": "Applications:",
        "model.calibration_summary": (
            "Brier {brier}. The predicted risk is off the observed rate by {ece} points on average; the "
            "largest gap ({gap} points) is in decile {bin} of {bins}: {predicted} predicted, {observed} "
            "observed."
        ),
        "model.fairness_title": "Fairness at the production threshold",
        "model.fairness_intro": (
            "Outcomes by group over the {n} labelled clients, at the threshold {threshold}, out-of-fold. Sex "
            "and age come from the application (CODE_GENDER, DAYS_BIRTH), whether or not the model uses "
            "them."
        ),
        "model.fairness_summary": "Gaps beyond tolerance: {flagged} of {judged} that can be judged.",
        "model.fairness.gender": "By sex",
        "model.fairness.age_band": "By age band",
        "model.col.group": "Group",
        "model.col.n": "Applications",
        "model.col.default_rate": "Observed default rate",
        "model.col.approval_rate": "Approval rate",
        "model.col.fnr": "Defaults accepted (FNR)",
        "model.col.fpr": "Good clients refused (FPR)",
        "model.col.auc": "ROC AUC",
        "model.gap": "Largest gap",
        "model.points": "{value} pts",
        "model.ratio": "ratio {value}",
        "model.status.flagged": "Review",
        "model.status.within": "Within tolerance",
        "model.status.too_small": "Too few clients to judge",
        "model.status.context": "Context, not flagged",
        "model.not_judged": "fewer than {min} clients: not judged",
        "model.tolerances": (
            "Tolerances: the least approved group at least 80% as approved as the most approved (four-fifths "
            "rule); at most 10 points apart on defaults accepted and on good clients refused; at most 0.05 "
            "of ROC AUC. A rate is judged on at least {min} clients (○ otherwise). Why: methodology note "
            "(make report)."
        ),
        "model.gender_feature_yes": (
            "The model uses features derived from sex: {features}. The methodology note discusses this "
            "choice."
        ),
        "model.gender_feature_no": (
            "The model uses no feature derived from sex; the audit above still measures the effect of "
            "features that could stand in for it."
        ),
        "model.age.under_25": "Under 25",
        "model.age.25_34": "25 to 34",
        "model.age.35_44": "35 to 44",
        "model.age.45_54": "45 to 54",
        "model.age.55_plus": "55 and over",
        "model.registry_title": "Champion and challengers in the registry",
        "challenger.title": "Champion against challenger (in shadow)",
        "challenger.intro": (
            "The challenger scores every new application without deciding nor being shown to a client: here "
            "is what both models said about the same applications."
        ),
        "challenger.none": "No challenger: `train` exports the next model to {folder}.",
        "challenger.versions": "Champion v{champion} against challenger v{challenger}.",
        "challenger.no_common": (
            "Challenger v{version} has not scored any application the champion scored yet."
        ),
        "challenger.caption": "Both models on the applications each scored",
        "challenger.col.figure": "Figure",
        "challenger.col.value": "Value",
        "challenger.n": "Applications scored by both",
        "challenger.agreement": "Same decision",
        "challenger.refused_champion_only": "Refused by the champion only",
        "challenger.refused_challenger_only": "Refused by the challenger only",
        "challenger.mean_shift": "Mean probability shift (challenger − champion)",
        "challenger.shift_quantile": "Probability shift, {q} quantile",
        "challenger.cost": "Cost per application on {n} known outcome(s)",
        "challenger.cost_value": "champion {champion}; challenger {challenger}",
        "challenger.no_outcomes": "no known outcome yet",
        "challenger.promote_title": "Promote the challenger",
        "challenger.reason": "Reason (recorded)",
        "challenger.force": "Force past the gate (the reason is recorded, the promotion marked forced)",
        "challenger.promote": "Promote v{version}",
        "challenger.promoted": (
            "{version} is the champion: the app serves it within seconds, without a restart."
        ),
        "challenger.refused": "Promotion refused: {message}",
        "challenger.reason_missing": "Give the reason for the promotion: it is recorded.",
        "perf.title": "Real performance by batch (known outcomes)",
        "perf.intro": (
            "On each batch's applications scored by this model whose outcome is known: every figure with its "
            "95% bootstrap interval, beside what cross-validation promised."
        ),
        "perf.none": "No outcome known for this model yet. Record them with:",
        "perf.batch": "Batch {batch}: {n_outcomes} known outcomes out of {n} applications",
        "perf.table_caption": "Real performance of batch {batch} and the cross-validation promise",
        "perf.col.figure": "Figure",
        "perf.col.observed": "Observed",
        "perf.col.interval": "95% interval",
        "perf.col.cv": "Promised (cross-validation)",
        "perf.roc_auc": "ROC AUC",
        "perf.cost": "Business cost per applicant",
        "perf.approval_rate": "Approval rate",
        "perf.default_rate": "Default rate",
        "perf.interval": "{low} to {high}",
        "perf.reason.too_few": "too few outcomes for an interval",
        "perf.reason.one_class": "a single class among the outcomes",
        "perf.reason.none": "cannot be computed",
        "perf.cost_warning": (
            "⚠ The cost cross-validation promised ({cv}) lies outside the observed cost's interval "
            "({low} to {high}): the model no longer keeps its promise on this batch."
        ),
        "perf.cost_ok": "✓ The cost cross-validation promised lies inside the observed cost's interval.",
        "perf.calibration_caption": (
            "Calibration of batch {batch} by decile: predicted risk and observed defaults"
        ),
        "perf.col.decile": "Decile",
        "perf.col.n": "Applications",
        "perf.col.predicted": "Predicted risk (mean)",
        "perf.col.observed_rate": "Observed defaults",
        "model.registry_single": "The registry holds one version of {name}: nothing to compare yet.",
        "model.registry_note": (
            "Cross-validation figures recorded with each version, newest first. A new version becomes "
            "champion only if it lowers the business cost."
        ),
        "model.registry_summary": (
            "Champion: version {champion} (cost {champion_cost} per application); latest version: {latest} "
            "(cost {latest_cost})."
        ),
        "model.reg.version": "Version",
        "model.reg.role": "Role",
        "model.reg.created": "Registered on",
        "model.reg.candidate": "Configuration",
        "model.reg.auc": "ROC AUC ± std",
        "model.reg.cost": "Cost per application",
        "model.reg.threshold": "Threshold",
        "model.reg.weights": "Cost weights",
        "model.reg.run": "Run",
        "model.role.champion": "★ Champion",
        "model.role.challenger": "Challenger",
        "model.role.served": "served by this app",
        # audit log (admin)
        "audit.title": "Audit log",
        "audit.admin": "Administrator",
        "audit.intro": (
            "Every score shown, explanation viewed, what-if, API call and sign-in, with who, when, and the "
            "model and threshold in force. Newest first."
        ),
        "audit.filters": "Filter the log",
        "audit.user": "User (contains)",
        "audit.kind": "Event type",
        "audit.kind_all": "All types",
        "audit.client": "Client id",
        "audit.since": "From (UTC)",
        "audit.until": "To (UTC, inclusive)",
        "audit.reset": "Clear the filters",
        "audit.export": "Export as CSV",
        "audit.export_note": "The export follows the filters above and holds every column.",
        "audit.count_none": "No event matches.",
        "audit.count_one": "1 event.",
        "audit.count": "{count} events, page {page} of {pages}.",
        "audit.table": "Audit log events",
        "audit.invalid.too_long": "Text too long (128 characters at most).",
        "audit.invalid.unknown_kind": "Unknown event type.",
        "audit.invalid.not_an_id": "A client id is a whole number (12 digits at most).",
        "audit.invalid.not_a_date": "Date expected as YYYY-MM-DD.",
        "audit.invalid.reversed": "The end date is before the start date.",
        "audit.pending": (
            "{count} event(s) waiting to be written to the database: they are kept in {spool} and will be "
            "replayed as soon as the database answers."
        ),
        "audit.database_down": "The audit database refuses writes: {error}.",
        "audit.spool_problem": (
            "The audit log's fallback file is not writable ({problem}): if the database fails, events go "
            "to the server's error log."
        ),
        "audit.unreadable": "The audit log cannot be read: {error}",
        "audit.col.occurred_at": "Time (UTC)",
        "audit.col.kind": "Event",
        "audit.col.user_name": "User",
        "audit.col.role": "Role",
        "audit.col.client_id": "Client",
        "audit.col.probability": "Risk",
        "audit.col.decision": "Decision",
        "audit.col.model_version": "Model",
        "audit.col.threshold": "Threshold",
        "audit.col.route": "Address",
        "audit.col.status": "HTTP status",
        "audit.col.detail": "Detail",
        "audit.kind.score_shown": "Score shown",
        "audit.kind.explanation_viewed": "Explanation viewed",
        "audit.kind.what_if": "What-if",
        "audit.kind.api_call": "API call",
        "audit.kind.login": "Sign-in",
        "audit.kind.login_failed": "Sign-in refused",
        "audit.kind.logout": "Sign-out",
        "audit.kind.meeting_enter": "Meeting started",
        "audit.kind.meeting_leave": "Meeting ended (advisor)",
        "audit.kind.meeting_exit_refused": "Meeting exit refused",
        "audit.kind.meeting_ended_by_admin": "Meeting ended by an admin",
        "audit.kind.human_decision": "Advisor's final decision",
        "audit.kind.application_submitted": "New application stored",
        "audit.kind.summary_printed": "Summary printed",
        "audit.purpose.submit_application": "application sent",
        "audit.purpose.record_decision": "advisor's decision",
        "nav.new_application": "New application",
        "new_application.title": "New credit application",
        "new_application.intro": (
            "Enter the application and, when you have them, the credits declared to the credit bureau and "
            "the client's earlier applications. Amounts are in euros, durations in years."
        ),
        "new_application.required_note": "Fields marked with an asterisk (*) are required.",
        "new_application.application": "Application",
        "new_application.client_help": "Leave empty for a new client: a number is given when it is stored.",
        "new_application.age": "Age",
        "new_application.no_job": "No job or activity (retired, studying, looking for work)",
        "new_application.choose": "— Choose —",
        "new_application.share_unit": "0 to 1",
        "new_application.submit": "Store and score the application",
        "new_application.whole": "Enter a whole number.",
        "new_application.between": "Enter a number between {low} and {high}.",
        "new_application.at_most": "must be at most {bound}",
        "new_application.at_least": "must be at least {bound}",
        "new_application.finite": "a finite number is expected",
        "new_application.too_many": "too many records: at most {n}",
        "new_application.incomplete": "Incomplete application: {fields} missing.",
        "new_application.refused": "The application was not stored. Please correct:",
        "new_application.already_sent": (
            "This form already stored another application: reload the page to enter a new one."
        ),
        "new_application.not_stored": "The store refused the application: {message}",
        "new_application.records_help": "Optional. A record left entirely empty is ignored.",
        "new_application.problem_at": "{place}: {message}",
        "new_application.bureau.heading": "Credits declared to the credit bureau",
        "new_application.bureau.add": "Add a declared credit",
        "new_application.bureau.remove": "Remove declared credit no. {n}",
        "new_application.bureau.legend": "Declared credit no. {n}",
        "new_application.bureau.CREDIT_ACTIVE": "Credit status",
        "new_application.bureau.DAYS_CREDIT": "Granted how long ago",
        "new_application.bureau.AMT_CREDIT_SUM": "Credit amount",
        "new_application.bureau.AMT_CREDIT_SUM_DEBT": "Still owed",
        "new_application.bureau.AMT_CREDIT_SUM_OVERDUE": "Amount overdue",
        "new_application.bureau.CREDIT_DAY_OVERDUE": "Days overdue",
        "new_application.previous_application.heading": "Earlier applications with us",
        "new_application.previous_application.add": "Add an earlier application",
        "new_application.previous_application.remove": "Remove earlier application no. {n}",
        "new_application.previous_application.legend": "Earlier application no. {n}",
        "new_application.previous_application.NAME_CONTRACT_STATUS": "Outcome",
        "new_application.previous_application.NAME_CONTRACT_TYPE": "Contract type",
        "new_application.previous_application.DAYS_DECISION": "Decided how long ago",
        "new_application.previous_application.AMT_APPLICATION": "Amount asked",
        "new_application.previous_application.AMT_CREDIT": "Amount granted",
        "new_application.previous_application.AMT_ANNUITY": "Monthly repayment",
        "new_application.previous_application.CNT_PAYMENT": "Number of repayments",
        "new_application.level.Active": "Active",
        "new_application.level.Closed": "Closed",
        "new_application.level.Sold": "Sold",
        "new_application.level.Bad debt": "Bad debt",
        "new_application.level.Approved": "Approved",
        "new_application.level.Refused": "Refused",
        "new_application.level.Canceled": "Cancelled",
        "new_application.level.Unused offer": "Unused offer",
        "new_application.level.Consumer loans": "Consumer loan",
        "human.heading": "Advisor's decision",
        "human.intro": (
            "The model's score does not change: you record the final decision, following the model or "
            "overriding it with a reason."
        ),
        "human.model": "The model's decision: {decision}.",
        "human.none": "No final decision recorded for this application.",
        "human.in_force": "Final decision: {decision}.",
        "human.followed": "The advisor followed the model.",
        "human.overridden": "The advisor overrode the model.",
        "human.by": "By {name}, on {moment} (UTC).",
        "human.reason_shown": "Reason: {reason}",
        "human.reason": "Reason (required to override)",
        "human.follow": "Follow the model ({decision})",
        "human.override": "Override ({decision})",
        "human.recorded": "Decision recorded.",
        "human.reason_required": "Give the reason: overriding the model needs one.",
        "human.reason_too_long": "Reason too long: at most {n} characters.",
        "human.not_recorded": "The decision was not recorded: {message}",
        # take-home summary (app/summary.py)
        "summary.title": "Summary of your credit application",
        "summary.risk_beside_threshold": "{risk} (threshold {threshold})",
        "summary.reference": "Your application reference",
        "summary.date": "Date",
        "summary.decision_title": "The decision",
        "summary.decision_final": "Final decision:",
        "summary.human_followed": (
            "Your advisor reviewed your application and took this decision on {day}, following the "
            "automated assessment tool's proposal."
        ),
        "summary.human_overridden": (
            "Your advisor reviewed your application and took this decision on {day}, which differs from the "
            "automated assessment tool's proposal."
        ),
        "summary.model_decision": "The assessment tool's proposal: {decision}.",
        "summary.decision_automated": (
            "This decision is proposed by an automated risk assessment tool, from the information in your "
            "application; your advisor can review it with you."
        ),
        "summary.risk": (
            "Your estimated risk of not repaying the credit is {risk}; the acceptance threshold is "
            "{threshold}."
        ),
        "summary.threshold_meaning": (
            "The acceptance threshold is the same for every application: below it, the credit is granted; "
            "from the threshold up, it is refused."
        ),
        "summary.reasons_title": "The main reasons",
        "summary.reasons_none": "Nothing notable.",
        "summary.offers_title": "What would make the application acceptable",
        "summary.offers_caption": (
            "Your application and the loans that would come below the acceptance threshold"
        ),
        "summary.offers_col_offer": "Proposal",
        "summary.offers_col_amount": "Amount",
        "summary.offers_col_term": "Term",
        "summary.offers_col_monthly": "Monthly payment",
        "summary.offers_col_risk": "Estimated risk",
        "summary.offers_requested": "Your application",
        "summary.offer_kind.lower_amount": "Lower amount",
        "summary.offer_kind.longer_term": "Longer term",
        "summary.offer_kind.both": "Lower amount, longer term",
        "summary.offers_note": (
            "Indicative proposals, within the limits of our offers: they are not a credit offer."
        ),
        "summary.offers_none": (
            "No loan within the limits of our offers (a lower amount or a longer term) would come below the "
            "acceptance threshold."
        ),
        "summary.rights_title": "Your rights",
        "summary.right_review": (
            "Ask for a person to review the decision, give your point of view and contest it, obtain an "
            "explanation of the decision."
        ),
        "summary.right_gdpr": (
            "The GDPR (Article 22) gives you the right not to be subject to a decision based solely on "
            "automated processing."
        ),
        "summary.right_credit": (
            "Consumer credit (French Code de la consommation, EU directive): if a refusal rests on "
            "consulting a database, you are told so free of charge, with the database's name."
        ),
        "summary.contact_title": "Contact us",
        "summary.contact_advisor": "Your advisor",
        "summary.contact_advisor_text": "at your branch, or on {phone}",
        "summary.contact_complaints": "Complaints",
        "summary.contact_data": "Data protection",
        "summary.contact_data_text": "{email}; you may also complain to the CNIL ({authority}).",
        "summary.footer": (
            "Document given by {lender}. It summarises the decision on your application and is not a credit "
            "offer."
        ),
        "summary.print": "Print",
        "summary.print_link": "Print the summary",
        "summary.new_tab": "(opens in a new tab)",
        "summary.error_title": "Summary unavailable",
        "summary.bad_lang": "Unknown language “{given}”: choose one of {languages}.",
        "summary.bad_client_id": "“{client_id}” is not a client id: a whole number is expected.",
        "audit.purpose.page": "page shown",
        "audit.purpose.simulate": "simulation",
        "audit.purpose.end_meeting": "meeting ended",
        "audit.meetings": "Meetings in progress",
        "audit.meetings_intro": (
            "Ending a meeting signs the advisor's session out: the screen shown to the client goes back to "
            "the sign-in page at its next request."
        ),
        "audit.meetings_none": "No meeting in progress.",
        "audit.meeting_row": "{advisor} is showing client {client_id} (last activity {time} UTC)",
        "audit.meeting_end": "End this meeting",
        "audit.meeting_ended": "Meeting of {advisor} (client {client_id}) ended; session signed out.",
        "audit.meeting_gone": "This meeting had already ended.",
    },
}


def language(lang: str | None) -> str:
    """A supported language from a user's choice ("en-GB" → "en"), French when unknown."""
    short = (lang or "").strip().lower()[:2]
    return short if short in LANGUAGES else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **values: object) -> str:
    """The string `key` in `lang` filled with `values`; an unknown key fails loudly: it is a typo."""
    template = CATALOGUE[language(lang)][key]
    return template.format(**values) if values else template
