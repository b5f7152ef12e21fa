"""Shipped keywords for the languages the team is asked about most, by the default topic names and urgency levels.

They join the configured (English) lists for a mention in that language, so that "quiero un reembolso" is a
billing complaint of high severity as "I want a refund" is. A `[classifier.languages.<code>]` table replaces a
language's shipped keywords; a topic the config does not have is left out. Matching folds accents and case
(bot/domain/matching.py): "devolucion" finds "devolución". Phrases rather than single words where a word has an
everyday meaning too ("poner una demanda", not "demanda", which is also plain demand).
"""

from __future__ import annotations

TOPICS: dict[str, dict[str, list[str]]] = {
    "es": {
        "billing": ["factura", "cobro", "cobraron", "cobrado", "reembolso", "devolución del dinero", "precio", "pago", "suscripción", "tarifa"],
        "delivery": ["envío", "entrega", "pedido", "paquete", "repartidor", "llegó tarde", "no ha llegado", "no llegó", "seguimiento"],
        "support": ["atención al cliente", "servicio al cliente", "soporte", "nadie contesta", "no contestan", "no responden", "reclamación"],
        "product": ["roto", "rota", "no funciona", "dejó de funcionar", "falla", "fallo", "defectuoso", "calidad", "actualización", "se cuelga"],
        "staff": ["personal", "empleado", "empleada", "grosero", "grosera", "maleducado", "maleducada", "encargado", "cajero", "cajera"],
        "account": ["cuenta", "contraseña", "iniciar sesión", "bloqueada", "bloqueado", "hackeada", "hackeado", "datos personales", "privacidad"],
    },
    "fr": {
        "billing": ["facture", "facturé", "prélèvement", "prélevé", "remboursement", "rembourser", "prix", "paiement", "abonnement", "frais"],
        "delivery": ["livraison", "livré", "colis", "commande", "livreur", "expédition", "en retard", "jamais reçu", "pas reçu", "suivi"],
        "support": ["service client", "sav", "aucune réponse", "pas de réponse", "ne répond", "réclamation", "hotline"],
        "product": ["cassé", "cassée", "ne marche pas", "ne fonctionne pas", "panne", "bug", "défaut", "défectueux", "qualité", "mise à jour"],
        "staff": ["personnel", "employé", "employée", "vendeur", "vendeuse", "impoli", "impolie", "malpoli", "caissier", "caissière"],
        "account": ["compte", "mot de passe", "connexion", "bloqué", "bloquée", "piraté", "données personnelles", "confidentialité"],
    },
    "de": {
        "billing": ["rechnung", "abbuchung", "abgebucht", "erstattung", "rückerstattung", "geld zurück", "preis", "zahlung", "abo", "gebühr"],
        "delivery": ["lieferung", "geliefert", "paket", "bestellung", "versand", "zusteller", "verspätet", "nicht angekommen", "sendungsverfolgung"],
        "support": ["kundenservice", "kundendienst", "hotline", "keine antwort", "antwortet nicht", "beschwerde", "warteschleife"],
        "product": ["kaputt", "defekt", "funktioniert nicht", "geht nicht", "fehler", "absturz", "stürzt ab", "qualität", "mangelhaft"],
        "staff": ["personal", "mitarbeiter", "mitarbeiterin", "unfreundlich", "unhöflich", "verkäufer", "verkäuferin", "kassierer", "fahrer"],
        "account": ["konto", "kundenkonto", "passwort", "anmelden", "gesperrt", "gehackt", "datenschutz"],
    },
    "pt": {
        "billing": ["fatura", "cobrança", "cobrado", "cobraram", "reembolso", "estorno", "preço", "pagamento", "assinatura", "taxa"],
        "delivery": ["entrega", "entregue", "encomenda", "pedido", "pacote", "correios", "atrasado", "atraso", "não chegou", "rastreamento"],
        "support": ["atendimento", "sac", "suporte", "ninguém responde", "não respondem", "sem resposta", "reclamação", "protocolo"],
        "product": ["quebrado", "quebrada", "não funciona", "parou de funcionar", "defeito", "defeituoso", "travando", "qualidade", "atualização"],
        "staff": ["funcionário", "funcionária", "atendente", "grosseiro", "grosseira", "mal educado", "gerente", "vendedor", "motorista"],
        "account": ["conta", "senha", "login", "bloqueada", "bloqueado", "hackeada", "hackeado", "dados pessoais", "privacidade"],
    },
    "it": {
        "billing": ["fattura", "addebito", "addebitato", "rimborso", "prezzo", "pagamento", "abbonamento", "costo", "commissione"],
        "delivery": ["consegna", "consegnato", "pacco", "ordine", "spedizione", "corriere", "in ritardo", "mai arrivato", "non è arrivato"],
        "support": ["servizio clienti", "assistenza", "supporto", "nessuna risposta", "non rispondono", "reclamo", "call center"],
        "product": ["rotto", "rotta", "non funziona", "guasto", "difetto", "difettoso", "errore", "si blocca", "qualità", "aggiornamento"],
        "staff": ["personale", "dipendente", "commesso", "commessa", "maleducato", "maleducata", "scortese", "cassiere", "cassiera"],
        "account": ["account", "password", "accesso", "bloccato", "bloccata", "hackerato", "dati personali", "privacy"],
    },
    "ar": {
        "billing": ["فاتورة", "الفاتورة", "استرداد", "استرجاع", "السعر", "الدفع", "اشتراك", "الاشتراك", "رسوم", "خصم"],
        "delivery": ["توصيل", "التوصيل", "شحن", "الشحن", "الطلب", "طلبي", "شحنة", "الشحنة", "تأخير", "لم يصل", "مندوب"],
        "support": ["خدمة العملاء", "خدمة عملاء", "الدعم الفني", "لا يرد", "لا أحد يرد", "شكوى", "الشكوى"],
        "product": ["مكسور", "معطل", "لا يعمل", "عطل", "العطل", "خلل", "الجودة", "تحديث", "التحديث"],
        "staff": ["موظف", "الموظف", "الموظفين", "موظفة", "وقح", "المدير", "السائق"],
        "account": ["حساب", "الحساب", "حسابي", "كلمة المرور", "كلمة السر", "تسجيل الدخول", "اختراق", "خصوصية"],
    },
}

URGENT: dict[str, dict[str, list[str]]] = {
    "es": {
        "critical": ["poner una demanda", "demandar", "demandaré", "abogado", "denuncia", "denunciar", "peligroso", "peligrosa",
                     "herido", "herida", "incendio", "fraude", "policía", "me hackearon"],
        "high": ["reembolso", "cancelar", "cancelación", "estafa", "nunca más", "hoja de reclamaciones", "ocu", "profeco"],
    },
    "fr": {
        "critical": ["procès", "avocat", "porter plainte", "poursuites", "dangereux", "dangereuse", "blessé", "blessée", "incendie",
                     "a pris feu", "fraude", "police", "piratage"],
        "high": ["remboursement", "annuler", "résilier", "résiliation", "arnaque", "plus jamais", "dgccrf", "ufc que choisir", "médiateur"],
    },
    "de": {
        "critical": ["klage", "verklagen", "anwalt", "strafanzeige", "anzeige erstatten", "gefährlich", "verletzt", "verletzung",
                     "brandgefahr", "feuer", "betrug", "polizei", "datenleck"],
        "high": ["rückerstattung", "kündigen", "kündigung", "stornieren", "abzocke", "nie wieder", "verbraucherzentrale", "schlichtungsstelle"],
    },
    "pt": {
        "critical": ["vou processar", "processo judicial", "advogado", "perigoso", "perigosa", "ferido", "ferida", "incêndio",
                     "pegou fogo", "fraude", "polícia", "vazamento de dados"],
        "high": ["reembolso", "cancelar", "cancelamento", "golpe", "nunca mais", "procon", "reclame aqui"],
    },
    "it": {
        "critical": ["denuncia", "denunciare", "avvocato", "querela", "pericoloso", "pericolosa", "ferito", "ferita", "incendio",
                     "preso fuoco", "frode", "polizia", "violazione dei dati"],
        "high": ["rimborso", "annullare", "disdetta", "disdire", "truffa", "mai più", "altroconsumo", "codacons"],
    },
    "ar": {
        "critical": ["محامي", "المحامي", "دعوى", "المحكمة", "خطير", "إصابة", "حريق", "احتيال", "الشرطة", "تسريب البيانات"],
        "high": ["استرداد المبلغ", "إلغاء", "الغاء", "نصب", "نصابين", "حماية المستهلك"],
    },
}
