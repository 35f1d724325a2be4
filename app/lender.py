"""Who the lender is and how a client reaches it: the one place its contact details live.

The take-home summary (app/summary.py) prints them; nothing else types them again. The name is the brand the
catalogue already carries (`nav.brand`). The details below are the demo deployment's (".example" addresses,
a fictitious street): a real deployment replaces this record, and every document follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import t


@dataclass(frozen=True)
class LenderContact:
    """How a client reaches the lender: their advisor's line, the complaints service, the data protection
    officer, and the data protection authority a client may complain to."""

    advisor_phone: str
    complaints_postal: str
    complaints_email: str
    data_protection_email: str
    authority_website: str

    def name(self, lang: str) -> str:
        return t("nav.brand", lang)


LENDER = LenderContact(
    advisor_phone="01 23 45 67 89",
    complaints_postal="Prêt à dépenser – Service réclamations, 12 rue de l’Exemple, 75002 Paris",
    complaints_email="reclamations@pret-a-depenser.example",
    data_protection_email="dpo@pret-a-depenser.example",
    authority_website="www.cnil.fr",
)
