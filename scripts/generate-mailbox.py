#!/usr/bin/env python3
"""Writes a realistic, generated mailbox as a Dovecot Maildir++ tree.

Konvert's demo and benchmarks need mail that looks like a real account:
Russian and English correspondents, threads whose replies cross folders, the
encodings real clients produce (RFC 2047 words in UTF-8, KOI8-R, windows-1251
and ISO-8859-1, RFC 2231 file names, quoted-printable, base64 and 8bit
bodies), HTML alternatives, inline images and attachments.

A run has two phases. Planning walks one seeded random stream and decides,
for every message, its folder, thread, people, date, Message-ID and flags.
Rendering builds each message from its own seed, so worker processes may
render in any order and the tree still depends only on the seed and the end
date.

    scripts/generate-mailbox.py --count 3000 --maildir /tmp/demo-mail --seed 7

Dovecot reads the tree with mail_location = maildir:PATH. Folders sit on
disk in Maildir++ form (PATH/.Sent, PATH/.Work.Projects); a namespace with
`separator = /` shows the last one as Work/Projects.
"""

import argparse
import base64
import datetime
import multiprocessing
import os
import random
import re
import struct
import sys
import time
import zlib
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime

# Every message is serialized with CRLF line ends and 78-column folding.
POLICY = policy.SMTP

# On-disk folder names; INBOX is the Maildir++ root itself.
FOLDERS = ("INBOX", "Sent", "Archive", "Work", "Work.Projects", "Drafts", "Trash", "Junk")

# Keyword index i is letter chr(ord('a') + i) in file names; see dovecot-keywords.
KEYWORDS = ("$label1", "$label2", "$label3", "$label4", "$label5", "$Forwarded")
LABEL_IMPORTANT, LABEL_WORK, LABEL_PERSONAL, LABEL_TODO, LABEL_LATER, FORWARDED = range(6)

DAY = 86400
SPAN_DAYS = 730
MAX_QUOTE_DEPTH = 4
TEXT_SALT = 0x5EED_7E47
REPLY_PREFIX = re.compile(r"^(?:(?:re|fwd?)(?:\[\d+\])?:\s*)+", re.IGNORECASE)
HOST = "mx1"


@dataclass(frozen=True)
class Person:
    """A correspondent: how they are named and which mail client they use."""

    name: str
    address: str
    lang: str
    utc_offset: int  # minutes east of UTC, as the Date header shows
    mailer: str
    charset: str
    role: str
    title: str = ""
    org: str = ""
    phone: str = ""

    @property
    def first(self):
        """The name a greeting uses: the given name, also for "Last, First"."""
        if "," in self.name:
            return self.name.split(",")[1].split()[0]
        return self.name.split()[0]

    @property
    def domain(self):
        """The part of the address after "@"."""
        return self.address.split("@")[1]


# name, address, lang, offset, mailer, charset, role, title, org, phone.
# "{domain}" in an address becomes the user's own domain: those are colleagues.
PEOPLE_ROWS = (
    ("Иван Петров", "ivan.petrov@romashka.example", "ru", 180, "outlook", "utf-8", "client",
     "Руководитель отдела закупок", "ООО «Ромашка»", "+7 495 555-01-12"),
    ("Мария Смирнова", "m.smirnova@romashka.example", "ru", 180, "thunderbird", "utf-8",
     "client", "Менеджер проектов", "ООО «Ромашка»", "+7 495 555-01-17"),
    ("Андрей Егоров", "a.egorov@romashka.example", "ru", 180, "outlook", "windows-1251",
     "client", "Финансовый директор", "ООО «Ромашка»", "+7 495 555-01-03"),
    ("Сергей Кузнецов", "kuznetsov@stroyinvest.example", "ru", 180, "thebat", "koi8-r",
     "vendor", "Коммерческий директор", "АО «СтройИнвест»", "+7 812 555-44-10"),
    ("Николай Фёдоров", "n.fedorov@buh-service.example", "ru", 180, "thebat", "windows-1251",
     "vendor", "Главный бухгалтер", "Бухгалтерия-Сервис", "+7 495 555-77-21"),
    ("Алексей Морозов", "morozov@uralsteel.example", "ru", 300, "outlook", "windows-1251",
     "client", "Начальник ИТ-отдела", "ПАО «Уралсталь»", "+7 343 555-12-90"),
    ("Елена Новикова", "novikova@sibtech.example", "ru", 420, "gmail", "utf-8", "client",
     "Аналитик", "Сибтех", "+7 383 555-30-31"),
    ("Artem Orlov", "orlov@sibtech.example", "ru", 420, "gmail", "utf-8", "client",
     "Backend developer", "Sibtech", ""),
    ("Светлана Голубева", "s.golubeva@port-vl.example", "ru", 600, "webmail", "utf-8",
     "vendor", "Логист", "Порт Владивосток", "+7 423 555-06-60"),
    ("Михаил Семёнов", "semenov@dc-hosting.example", "ru", 180, "mutt", "utf-8", "vendor",
     "Дежурный инженер", "ДЦ Хостинг", "+7 495 555-90-00"),
    ("Юлия Козлова", "yulia@globus-travel.example", "ru", 180, "webmail", "utf-8", "agency",
     "Менеджер по бронированию", "Турагентство «Глобус»", "+7 495 555-23-45"),
    ("Наталья Павлова", "natasha.pavlova@post.example", "ru", 180, "apple", "utf-8",
     "friend"),
    ("Владимир Виноградов", "v.vinogradov@post.example", "ru", 120, "webmail", "koi8-r",
     "friend"),
    ("Ivan Sidorov", "ivan.sidorov@post.example", "ru", 180, "gmail", "utf-8", "friend"),
    ("Ольга Васильева", "olga.vasilieva@post.example", "ru", 180, "webmail", "utf-8",
     "friend"),
    ("Дмитрий Соколов", "d.sokolov@{domain}", "ru", 180, "thunderbird", "utf-8",
     "colleague", "Ведущий разработчик", "Konvert", "+7 495 555-00-11"),
    ("Анна Попова", "anna.popova@{domain}", "ru", 180, "thunderbird", "utf-8", "colleague",
     "Руководитель проекта", "Konvert", "+7 495 555-00-12"),
    ("Татьяна Волкова", "t.volkova@{domain}", "ru", 180, "outlook", "utf-8", "colleague",
     "HR-менеджер", "Konvert", "+7 495 555-00-15"),
    ("Екатерина Богданова", "e.bogdanova@{domain}", "ru", 180, "apple", "utf-8",
     "colleague", "Дизайнер", "Konvert", ""),
    ("Павел Лебедев", "p.lebedev@{domain}", "ru", 180, "mutt", "utf-8", "colleague",
     "Системный администратор", "Konvert", ""),
    ("Tom Becker", "tom.becker@{domain}", "en", 60, "thunderbird", "utf-8", "colleague",
     "QA engineer", "Konvert", ""),
    ("John Smith", "john.smith@northwind.example", "en", -300, "outlook", "utf-8", "client",
     "Procurement Lead", "Northwind Traders", "+1 212 555 0142"),
    ("Emily Johnson", "emily@northwind.example", "en", -300, "apple", "utf-8", "client",
     "Product Manager", "Northwind Traders", "+1 212 555 0199"),
    ("Smith, Robert", "rsmith@northwind.example", "en", -300, "outlook", "utf-8", "client",
     "VP Engineering", "Northwind Traders", ""),
    ("Michael Brown", "mbrown@contoso.example", "en", -480, "gmail", "utf-8", "client",
     "CTO", "Contoso", "+1 415 555 0110"),
    ("Sarah Miller", "sarah.miller@contoso.example", "en", -480, "gmail", "utf-8", "vendor",
     "Account Executive", "Contoso", ""),
    ("Hans Müller", "hans.mueller@technik.example", "en", 60, "thunderbird", "iso-8859-1",
     "vendor", "Vertrieb", "Technik GmbH", "+49 30 5550 1234"),
    ("François Dubois", "f.dubois@conseil.example", "en", 60, "apple", "utf-8", "client",
     "Consultant", "Conseil SARL", ""),
    ("Priya Sharma", "priya.sharma@infotech.example", "en", 330, "outlook", "utf-8",
     "vendor", "Delivery Manager", "InfoTech Services", "+91 80 5550 4321"),
    ("Olivia Wilson", "olivia.wilson@travelco.example", "en", 0, "gmail", "utf-8", "agency",
     "Travel consultant", "TravelCo", ""),
    ("James O'Connor", "james.oconnor@dublinsoft.example", "en", 0, "outlook", "utf-8",
     "client", "Solutions Architect", "DublinSoft", ""),
    ("Łucja Wiśniewska", "lucja@krakow-it.example", "en", 60, "thunderbird", "utf-8",
     "vendor", "Project Manager", "Krakow IT", ""),
    ("David Lee", "david.lee@sg-logistics.example", "en", 480, "outlook", "utf-8", "client",
     "Operations", "SG Logistics", ""),
    ("Laura García", "laura.garcia@eventos.example", "en", 60, "apple", "utf-8", "agency",
     "Event coordinator", "Eventos Madrid", ""),
    ("Kenji Tanaka", "kenji@tokyo-dev.example", "en", 540, "gmail", "utf-8", "friend"),
    ("Mark Evans", "mark.evans@post.example", "en", -360, "mutt", "utf-8", "friend"),
)


@dataclass(frozen=True)
class Mailer:
    """How one mail client writes: encodings, HTML, reply prefix, quoting."""

    agent: str           # the X-Mailer or User-Agent header, or ""
    header_mode: str     # "b" or "q" for RFC 2047 words
    encode_whole: bool   # whether ASCII words of a subject go into the encoded words
    html: float          # chance of a text/html alternative
    text_cte: str
    html_cte: str
    wrap: bool           # hard-wraps plain text at 72 columns
    reply: str
    forward: str
    quote: str           # "cite" (> lines) or "outlook" (header block, top-posted)
    id_style: str
    boundary: str        # boundary prefix this client uses


MAILERS = {
    "thunderbird": Mailer(
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101"
        " Thunderbird/115.6.0", "b", False, 0.7, "8bit", "8bit", True, "Re: ", "Fwd: ",
        "cite", "uuid", "------------"),
    "outlook": Mailer(
        "X-Mailer: Microsoft Outlook 16.0", "b", True, 1.0, "quoted-printable",
        "quoted-printable", False, "RE: ", "FW: ", "outlook", "outlook", "_000_"),
    "gmail": Mailer("", "b", False, 1.0, "base64", "quoted-printable", False, "Re: ", "Fwd: ",
                    "cite", "gmail", "000000000000"),
    "apple": Mailer("X-Mailer: Apple Mail (2.3774.300.61.1.2)", "q", False, 0.6,
                    "quoted-printable", "quoted-printable", False, "Re: ", "Fwd: ", "cite",
                    "apple", "Apple-Mail="),
    "thebat": Mailer("X-Mailer: The Bat! (v10.5.3) Professional", "b", True, 0.0, "8bit",
                     "8bit", True, "Re: ", "Fwd: ", "cite", "generic", "----------"),
    "mutt": Mailer("User-Agent: NeoMutt/20220429", "q", False, 0.0, "8bit", "8bit", True,
                   "Re: ", "Fwd: ", "cite", "generic", ""),
    "webmail": Mailer("X-Mailer: Webmail 3.4", "b", True, 1.0, "base64", "base64", False,
                      "Re: ", "Fwd: ", "cite", "generic", "----==_mimepart_"),
    "bulk": Mailer("X-Mailer: Sendsay Mailer 7.2", "b", True, 1.0, "quoted-printable",
                   "quoted-printable", False, "", "", "cite", "generic", "----=_Part_"),
}

# Which topics a person's role brings up; repeats weigh the choice.
ROLE_TOPICS = {
    "colleague": ("meeting", "project", "project", "hr"),
    "client": ("project", "meeting", "invoice", "project"),
    "vendor": ("invoice", "meeting", "project"),
    "agency": ("travel", "travel", "invoice"),
    "friend": ("personal", "personal", "travel"),
}

MONTHS = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
MONTHS_NOMINATIVE = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                     "сентябрь", "октябрь", "ноябрь", "декабрь")

PROJECTS = {
    "ru": ("Атлас", "Портал поставщиков", "Миграция CRM", "Склад 2.0", "Мобильный банк",
           "Единое окно", "Электронный документооборот"),
    "en": ("Atlas", "Vendor Portal", "CRM migration", "Warehouse 2.0", "Mobile App",
           "Data Lake", "Billing revamp"),
}
CITIES = {
    "ru": ("Казань", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Калининград", "Сочи",
           "Нижний Новгород"),
    "en": ("London", "Berlin", "Lisbon", "Singapore", "Boston", "Prague", "Madrid"),
}
ROOMS = {
    "ru": ("переговорной «Байкал»", "переговорной «Ладога»", "большом зале", "Zoom"),
    "en": ("Meeting Room 3B", "the big conference room", "Zoom", "our Berlin office"),
}

GREETINGS = {
    "ru": ("Добрый день, {first}!", "Здравствуйте, {first}.", "Привет, {first}!",
           "{first}, добрый день.", "Коллеги, добрый день!"),
    "en": ("Hi {first},", "Hello {first},", "Dear {first},", "{first},", "Hi all,"),
}
CLOSINGS = {
    "ru": ("С уважением,", "Спасибо!", "Хорошего дня,", "Заранее спасибо,", "Всего доброго,"),
    "en": ("Best regards,", "Thanks,", "Cheers,", "Kind regards,", "Thanks in advance,"),
}

TOPICS = {
    "meeting": {
        "ru": {
            "subjects": (
                "Встреча по проекту {project} {date}", "Перенос созвона на {date}",
                "Планёрка в {time}", "Приглашение: обсуждение бюджета на {quarter} квартал",
                "Созвон с командой «{project}»", "Повестка встречи {date}"),
            "lines": (
                "Предлагаю встретиться {date} в {time} в {room}, чтобы обсудить текущий "
                "статус по проекту «{project}».",
                "В повестке: сроки второго этапа, распределение задач и риски, которые мы "
                "обсуждали на прошлой неделе.",
                "Если время не подходит, напишите, пожалуйста, какие слоты удобны — "
                "постараюсь подстроиться.",
                "Презентацию пришлю накануне, чтобы все успели посмотреть заранее.",
                "На встрече будут также коллеги из финансового отдела, поэтому хорошо бы "
                "подготовить цифры по бюджету на {quarter} квартал.",
                "Ссылка на подключение: https://meet.example.test/{ticket}",
                "По итогам прошлой встречи у нас остались открытые вопросы по интеграции, "
                "их тоже стоит разобрать."),
        },
        "en": {
            "subjects": (
                "Meeting about {project} on {date}", "Can we move our call to {date}?",
                "Weekly sync at {time}", "Invitation: {quarter} budget review",
                "{project} kick-off", "Agenda for {date}"),
            "lines": (
                "Could we meet on {date} at {time} in {room} to go through the current "
                "status of {project}?",
                "On the agenda: the phase two timeline, who owns which tasks, and the "
                "risks we discussed last week.",
                "If that slot does not work for you, let me know what does and I will "
                "move things around.",
                "I will send the slides the day before so everyone has a chance to read "
                "them first.",
                "Finance will join as well, so it would help to have the {quarter} budget "
                "numbers ready.",
                "Dial-in link: https://meet.example.test/{ticket}",
                "We still have open questions about the integration from last time; let us "
                "cover those too."),
        },
    },
    "invoice": {
        "ru": {
            "subjects": (
                "Счёт № {invoice} от {date}", "Оплата по договору {contract}",
                "Акт сверки за {quarter} квартал", "Напоминание об оплате счёта {invoice}",
                "Закрывающие документы за {month}", "Счёт-фактура № {invoice}"),
            "lines": (
                "Направляем счёт № {invoice} на сумму {amount} по договору {contract}.",
                "Просим оплатить до {date}. Реквизиты указаны в приложенном файле.",
                "Оригиналы документов отправим курьером на этой неделе.",
                "Подтвердите, пожалуйста, получение и сообщите, если нужны исправления.",
                "В акте сверки есть расхождение на сумму {amount}, посмотрите, пожалуйста, "
                "строки за {month}.",
                "Оплату провели сегодня, платёжное поручение во вложении.",
                "Обратите внимание, что с {date} у нас изменились банковские реквизиты."),
        },
        "en": {
            "subjects": (
                "Invoice #{invoice} for {month}", "Payment for contract {contract}",
                "Overdue invoice {invoice}", "Statement of account, Q{quarter}",
                "Receipt for your payment", "Updated invoice #{invoice}"),
            "lines": (
                "Please find attached invoice #{invoice} for {amount} under contract "
                "{contract}.",
                "Payment is due by {date}; bank details are in the attached document.",
                "Could you confirm you received it and let me know if anything needs to "
                "be changed?",
                "Our records show invoice {invoice} is still open; could you check with "
                "your accounts payable team?",
                "The payment went out today, the remittance advice is attached.",
                "Please note our bank details changed on {date}.",
                "I have attached the statement for the quarter as a CSV as well."),
        },
    },
    "project": {
        "ru": {
            "subjects": (
                "Статус проекта «{project}» на {date}", "{project}: релиз {version}",
                "Вопрос по задаче {ticket}", "Требования к интеграции {project}",
                "Отчёт за {month}", "Риски по срокам {project}"),
            "lines": (
                "Коротко о статусе: бэкенд готов на {percent}%, фронтенд отстаёт примерно "
                "на неделю.",
                "Релиз {version} планируем выкатить {date}, если тестирование пройдёт без "
                "блокеров.",
                "По задаче {ticket} нужна ваша консультация: не до конца понятно, как "
                "должна работать выгрузка в 1С.",
                "Во вложении обновлённый план работ и отчёт за {month}.",
                "Основной риск — зависимость от внешнего API, у них опять меняется формат "
                "ответа.",
                "Предлагаю зафиксировать объём второго этапа и не добавлять новых "
                "требований до {date}.",
                "Нагрузочное тестирование показало {percent} запросов в секунду на одном "
                "узле, это с запасом."),
        },
        "en": {
            "subjects": (
                "{project} status update", "{project}: release {version}",
                "Question about {ticket}", "{project} integration requirements",
                "Monthly report for {month}", "{project} timeline risks"),
            "lines": (
                "Quick status: the backend is {percent}% done, the frontend is about a week "
                "behind.",
                "We plan to ship {version} on {date} if QA finds no blockers.",
                "I need your input on {ticket}: it is not clear how the export should handle "
                "cancelled orders.",
                "Attached is the updated plan and the report for {month}.",
                "The main risk is the third-party API, they are changing the response format "
                "again.",
                "I suggest we freeze the phase two scope and accept no new requirements "
                "until {date}.",
                "Load testing showed {percent} requests per second on a single node, which "
                "leaves plenty of headroom."),
        },
    },
    "travel": {
        "ru": {
            "subjects": (
                "Командировка в {city} {date}", "Бронирование гостиницы в {city}",
                "Билеты на рейс {flight}", "Маршрутная квитанция", "Визовые документы",
                "Трансфер из аэропорта {city}"),
            "lines": (
                "Забронировали для вас гостиницу в {city} с {date}, подтверждение во "
                "вложении.",
                "Рейс {flight} вылетает в {time}, регистрация закрывается за 40 минут.",
                "Трансфер из аэропорта заказан, водитель будет ждать с табличкой.",
                "Пожалуйста, проверьте данные паспорта в маршрутной квитанции.",
                "Суточные будут перечислены на карту до начала поездки.",
                "Если планы изменятся, сообщите до {date}, тогда возврат без штрафа."),
        },
        "en": {
            "subjects": (
                "Trip to {city} on {date}", "Hotel booking in {city}",
                "Your flight {flight}", "E-ticket receipt", "Visa documents",
                "Airport transfer in {city}"),
            "lines": (
                "Your hotel in {city} is booked from {date}; the confirmation is attached.",
                "Flight {flight} departs at {time}; check-in closes 40 minutes before.",
                "A driver will meet you at arrivals with a sign.",
                "Please double-check the passport details on the e-ticket.",
                "Per diem will be paid to your card before the trip.",
                "If your plans change, tell us before {date} for a free cancellation."),
        },
    },
    "personal": {
        "ru": {
            "subjects": (
                "Выходные", "Фото с дачи", "День рождения {date}", "Как дела?",
                "Поездка в {city}", "Встретимся?"),
            "lines": (
                "Привет! Как вы там? Мы наконец-то вернулись из {city}, впечатлений масса.",
                "Скидываю фотографии, остальные выложу в общий альбом.",
                "Может, соберёмся {date}? Можно у нас, погода обещает быть хорошей.",
                "Мама спрашивала, приедешь ли ты на день рождения.",
                "Нашла отличное кафе возле работы, надо будет сходить вместе.",
                "Напиши, как будет минутка, есть что обсудить."),
        },
        "en": {
            "subjects": (
                "Weekend plans", "Photos from the trip", "Birthday on {date}", "How are you?",
                "Trip to {city}", "Catch up soon?"),
            "lines": (
                "Hey! We finally got back from {city}, it was amazing.",
                "Sending a few photos, the rest are in the shared album.",
                "Want to get together on {date}? The weather looks good.",
                "Are you coming to the party? Let me know so I can plan.",
                "Found a great coffee place near the office, we should go.",
                "Give me a call when you have a minute."),
        },
    },
    "hr": {
        "ru": {
            "subjects": (
                "Отпуск с {date}", "Заявление на отпуск", "Корпоратив {date}",
                "Обновлённый график работы", "Оформление командировки", "Справка 2-НДФЛ"),
            "lines": (
                "Согласовали ваш отпуск с {date}, заявление нужно подписать до пятницы.",
                "Напоминаю, что {date} офис работает до 16:00.",
                "Корпоратив состоится {date} в {time}, просьба подтвердить участие.",
                "Справку подготовим в течение трёх рабочих дней.",
                "Во вложении обновлённый график дежурств на {month}."),
        },
        "en": {
            "subjects": (
                "Leave from {date}", "Holiday request", "Team dinner on {date}",
                "Updated working hours", "Business trip paperwork", "Payroll question"),
            "lines": (
                "Your leave from {date} is approved; please sign the form by Friday.",
                "Reminder: the office closes at 4 pm on {date}.",
                "The team dinner is on {date} at {time}, please confirm.",
                "We will have the document ready within three working days.",
                "Attached is the updated on-call rota for {month}."),
        },
    },
    "dev": {
        "ru": {
            "subjects": (
                "Сборка падает на {platform}", "RFC: {feature}", "Ревью {ticket}",
                "Вопрос про {feature}", "Выпуск {version}"),
            "lines": (
                "После последнего мержа сборка на {platform} падает с ошибкой линковки.",
                "Предлагаю обсудить {feature}: черновик дизайна в {ticket}.",
                "Посмотрел патч, в целом ок, но есть вопросы по обработке ошибок.",
                "Бенчмарк показывает регрессию на {percent}% в горячем пути.",
                "Давайте выпустим {version} в пятницу, если никто не против.",
                "Нужен кто-то, кто разбирается в IMAP IDLE, у меня странные таймауты."),
        },
        "en": {
            "subjects": (
                "Build broken on {platform}", "RFC: {feature}", "Review request: {ticket}",
                "Question about {feature}", "Release {version}"),
            "lines": (
                "Since the last merge the {platform} build fails at link time.",
                "I would like to discuss {feature}; the design draft is in {ticket}.",
                "Looked at the patch: mostly fine, a few questions about error handling.",
                "The benchmark shows a {percent}% regression on the hot path.",
                "Let us tag {version} on Friday unless someone objects.",
                "Does anyone know IMAP IDLE well? I am seeing odd timeouts."),
        },
    },
}

REPLIES = {
    "ru": ("Спасибо, получил.", "Да, подходит, договорились.", "Посмотрю сегодня вечером и "
           "отпишусь.", "Согласен, давайте так и сделаем.", "Можно чуть подробнее про второй "
           "пункт?", "Отлично, спасибо за оперативность!", "К сожалению, в это время не "
           "могу, предлагаю перенести на час позже.", "Всё верно, подтверждаю.",
           "Передал коллегам, они свяжутся с вами напрямую.", "Уточню и вернусь с ответом "
           "до конца недели."),
    "en": ("Thanks, got it.", "Yes, that works for me.", "I will take a look tonight and get "
           "back to you.", "Agreed, let us do that.", "Could you say a bit more about the "
           "second point?", "Great, thanks for the quick turnaround!", "Sorry, I cannot "
           "make that time; could we do an hour later?", "All correct, confirmed.",
           "I have forwarded this to my team, they will contact you directly.",
           "Let me check and come back to you by the end of the week."),
}

FEATURES = ("push-уведомления", "JMAP WebSocket", "полнотекстовый поиск", "Sieve-фильтры",
            "push notifications", "search snippets", "thread reconstruction")
PLATFORMS = ("aarch64", "Debian 12", "macOS", "clang-17", "gcc-12")


@dataclass(frozen=True)
class Source:
    """A mailing list, newsletter, notifier or spammer: a sender that is not a person."""

    sender: Person
    kind: str
    key: str = ""        # which templates it uses
    tag: str = ""        # subject tag of a list, "[konvert-dev]"
    list_id: str = ""    # List-Id value, "" when none
    folder: str = "INBOX"
    members: tuple = ()


LIST_PEOPLE = (
    Person("Kirill Zaitsev", "kzaitsev@devmail.example", "ru", 180, "mutt", "utf-8", "dev"),
    Person("Роман Кравцов", "roman.k@devmail.example", "ru", 180, "thunderbird", "utf-8",
           "dev"),
    Person("Wei Zhang", "wzhang@devmail.example", "en", 480, "gmail", "utf-8", "dev"),
    Person("Maria Rossi", "maria.rossi@devmail.example", "en", 60, "thunderbird", "utf-8",
           "dev"),
    Person("Игорь Белов", "belov@cppclub.example", "ru", 180, "thebat", "koi8-r", "dev"),
)


def make_sources(people, user):
    """Builds the lists, newsletters, notifiers and spammers, given the people."""
    lists = "lists." + user.domain
    dev_members = tuple(p for p in people if p.role == "colleague") + LIST_PEOPLE
    cpp_members = tuple(p for p in LIST_PEOPLE + people if p.lang == "ru")[:8]

    def bulk(name, address, lang, offset, charset, role, mailer="bulk"):
        """A sender that is an organisation or a robot."""
        return Person(name, address, lang, offset, mailer, charset, role)

    return {
        "lists": (
            Source(bulk("Konvert developers", "konvert-dev@" + lists, "en", 0, "utf-8", "list"),
                   "list", tag="[konvert-dev]", folder="Work", members=dev_members,
                   list_id=f"Konvert developers <konvert-dev.{lists}>"),
            Source(bulk("Клуб C++", "cpp-club@groups.example", "ru", 180, "utf-8", "list"),
                   "list", tag="[cpp-club]", members=cpp_members,
                   list_id="=?utf-8?b?0JrQu9GD0LEgQysr?= <cpp-club.groups.example>"),
        ),
        "news": (
            Source(bulk("Дайджест «Технологии»", "news@techdigest.example", "ru", 180, "utf-8",
                        "news"), "news", "digest", list_id="<weekly.techdigest.example>"),
            Source(bulk("C++ Weekly News", "hello@cppweekly.example", "en", -300, "utf-8",
                        "news"), "news", "cppweekly", list_id="<cppweekly.example>"),
            Source(bulk("Авиакомпания «Небо»", "bonus@nebo-air.example", "ru", 180,
                        "windows-1251", "news"), "news", "airline"),
            Source(bulk("StayTravel Deals", "deals@staytravel.example", "en", 0, "utf-8",
                        "news"), "news", "travel"),
            Source(bulk("Книжный магазин", "shop@knizhny.example", "ru", 180, "koi8-r", "news"),
                   "news", "books"),
        ),
        "notify": (
            Source(bulk("Konvert CI", "ci@build." + user.domain, "en", 0, "utf-8", "ci",
                        "mutt"), "ci", "ci", folder="Work"),
            Source(bulk("Банк «Прогресс»", "noreply@progressbank.example", "ru", 180, "utf-8",
                        "bank"), "bank", "bank"),
            Source(bulk("Календарь", "calendar@" + user.domain, "ru", 180, "utf-8", "calendar",
                        "outlook"), "calendar", "calendar"),
        ),
        "spam": (
            Source(bulk("Бизнес-Курсы", "info@kursy-biz.example", "ru", 180, "windows-1251",
                        "spam", "webmail"), "spam", "courses"),
            Source(bulk("Prize Department", "claims@lucky-win.example", "en", -300, "utf-8",
                        "spam"), "spam", "prize"),
            Source(bulk("Служба доставки", "track@dostavka-24.example", "ru", 180, "koi8-r",
                        "spam"), "spam", "delivery"),
        ),
    }


@dataclass(slots=True, eq=False)
class Plan:
    """Everything decided about one message before it is rendered."""

    idx: int
    folder: str
    kind: str        # "conv", "list", "news", "ci", "bank", "calendar", "spam"
    topic: str
    lang: str
    sender: Person
    to: tuple
    cc: tuple
    time: int        # the Date header's instant, seconds since the epoch
    subject: str
    message_id: str
    seed: int
    thread_seed: int
    thread_time: int
    in_reply_to: str = ""
    references: tuple = ()
    parent: int = -1     # the message quoted in the body
    forwards: int = -1   # the message forwarded
    source: Source = None
    flags: set = field(default_factory=set)
    keywords: set = field(default_factory=set)


class Planner:
    """Decides folder, thread, people, date and flags for every message.

    One random stream drives the whole plan, so the plan depends only on the
    seed, the end time and the user. Replies add the answered flag to their
    parent, so a plan is only final once run() returns.
    """

    def __init__(self, count, seed, end_time, user, people):
        """Prepares to plan count messages for user up to end_time."""
        self.count = count
        self.rng = random.Random(seed)
        self.end = end_time
        self.user = user
        self.sources = make_sources(people, user)
        self.plans = []
        # Frequent correspondents first: a Zipf-like weight over a shuffled order.
        order = list(people)
        self.rng.shuffle(order)
        self.order = order
        self.weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(order))]

    def run(self):
        """Plans messages until count is reached; returns the list of Plan."""
        kinds = (self.conversation, self.list_thread, self.newsletter, self.notification,
                 self.spam, self.draft)
        weights = (58, 12, 14, 8, 6, 2)
        while len(self.plans) < self.count:
            self.rng.choices(kinds, weights)[0]()
        return self.plans

    def remaining(self):
        """How many messages are still to plan."""
        return self.count - len(self.plans)

    def add(self, **fields):
        """Appends a plan with a fresh index, Message-ID and render seed."""
        idx = len(self.plans)
        sender = fields["sender"]
        fields.setdefault("message_id", self.message_id(idx, sender, fields["time"]))
        plan = Plan(idx=idx, seed=self.rng.getrandbits(62), **fields)
        self.plans.append(plan)
        return plan

    def message_id(self, idx, sender, when):
        """A Message-ID in the style of the sender's client; idx keeps it unique."""
        bits = self.rng.getrandbits(64)
        style = MAILERS[sender.mailer].id_style
        if style == "uuid":
            # An odd multiplier is a bijection mod 2**64: unique, yet random-looking.
            h = f"{bits:016x}{idx * 0x9E3779B97F4A7C15 % 2**64:016x}"
            return f"<{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}@{sender.domain}>"
        if style == "outlook":
            return f"<AM0PR07MB{bits % 10**7:07d}{idx:X}@AM0PR07MB{bits % 9973}." \
                   "eurprd07.prod.outlook.example>"
        if style == "gmail":
            return f"<CA+{bits:X}{idx:X}x{bits % 99991}@mail.gmail.example>"
        if style == "apple":
            return f"<{bits:016X}-{idx:08X}@{sender.domain}>"
        return f"<{when}.{bits:x}.{idx}@{sender.domain}>"

    def pick_person(self, exclude=()):
        """A correspondent, frequent ones more often, never one in exclude."""
        while True:
            person = self.rng.choices(self.order, self.weights)[0]
            if person not in exclude:
                return person

    def start_time(self):
        """When a thread starts: within the span, denser towards the end."""
        return int(self.end - SPAN_DAYS * DAY * self.rng.random() ** 1.2)

    def gap(self):
        """Seconds between a message and its reply: mostly hours, sometimes days."""
        if self.rng.random() < 0.2:
            return int(self.rng.expovariate(1 / (2 * DAY))) + 600
        return int(self.rng.expovariate(1 / (4 * 3600))) + 120

    def incoming_folder(self, topic, start):
        """Where a thread's incoming mail is filed, from its topic and age."""
        r = self.rng.random()
        if topic == "project" and r < 0.7:
            return "Work.Projects" if r < 0.5 else "Work"
        if topic in ("meeting", "hr") and r < 0.35:
            return "Work"
        if topic == "invoice" and r < 0.4:
            return "Archive"
        if self.end - start > 180 * DAY and self.rng.random() < 0.35:
            return "Archive"
        return "INBOX"

    def incoming_flags(self, plan, topic):
        """Seen, flagged and labels of a received message, from its age and place."""
        rng = self.rng
        age = self.end - plan.time
        seen = 0.995 if plan.folder != "INBOX" else (0.97 if age > 14 * DAY else 0.55)
        if rng.random() < seen:
            plan.flags.add("S")
        if rng.random() < (0.10 if topic == "invoice" else 0.04):
            plan.flags.add("F")
        if rng.random() < 0.07:
            label = {"invoice": LABEL_IMPORTANT, "project": LABEL_WORK,
                     "meeting": LABEL_TODO, "personal": LABEL_PERSONAL,
                     "travel": LABEL_PERSONAL}.get(topic, LABEL_LATER)
            plan.keywords.add(label)
        if plan.folder == "Trash" and rng.random() < 0.1:
            plan.flags.add("T")

    def reply_subject(self, root, prev, sender, depth):
        """The subject a client writes on a reply: its own prefix, The Bat!'s Re[n]."""
        mailer = MAILERS[sender.mailer]
        if sender.mailer == "thebat" and depth > 1:
            return f"Re[{depth}]: {root}"
        if sender.mailer == "outlook" and prev.subject.startswith("Re: ") \
                and self.rng.random() < 0.3:
            return "RE: " + prev.subject
        return mailer.reply + root

    def thread_subject(self, topic, lang, thread_seed, start):
        """A topic's subject filled in from the thread's context."""
        ctx = thread_context(thread_seed, lang, start)
        return self.rng.choice(TOPICS[topic][lang]["subjects"]).format_map(ctx)

    def conversation(self):
        """A thread between the user and one person, sometimes with others in Cc.

        The user's messages go to Sent and the others' to one folder for the
        thread, so threads cross folders. A thread may end with the user
        forwarding the last message, or with a reply left in Drafts.
        """
        rng, user = self.rng, self.user
        partner = self.pick_person()
        lang = partner.lang if rng.random() < 0.95 else ("en" if partner.lang == "ru" else "ru")
        topic = rng.choice(ROLE_TOPICS[partner.role])
        cc = ()
        if rng.random() < 0.2:
            picks = [self.pick_person(exclude=(partner,)) for _ in range(rng.randint(1, 2))]
            cc = tuple(dict.fromkeys(picks))
        length = min(1 + int(rng.expovariate(0.7)), 10, self.remaining())
        start = self.start_time()
        thread_seed = rng.getrandbits(62)
        root = self.thread_subject(topic, lang, thread_seed, start)
        folder = self.incoming_folder(topic, start)
        from_user = rng.random() < 0.3
        t, prev = start, None

        for depth in range(length):
            if prev is None:
                sender = user if from_user else partner
                to, copy = ((partner,) if from_user else (user,)), cc
            else:
                sender = self.next_speaker(prev, partner, cc)
                to = (prev.sender,)
                copy = tuple(p for p in prev.to + prev.cc if p not in (sender, prev.sender))
            outgoing = sender is user
            plan = self.add(
                folder="Sent" if outgoing else ("Trash" if rng.random() < 0.025 else folder),
                kind="conv", topic=topic, lang=lang, sender=sender, to=to, cc=copy, time=t,
                subject=root if prev is None else self.reply_subject(root, prev, sender, depth),
                thread_seed=thread_seed, thread_time=start,
                in_reply_to=prev.message_id if prev else "",
                references=(prev.references + (prev.message_id,))[-12:] if prev else (),
                parent=prev.idx if prev else -1)
            if outgoing:
                plan.flags.add("S")
                if prev is not None and prev.sender is not user:
                    prev.flags.add("R")
            else:
                self.incoming_flags(plan, topic)
            prev, t = plan, t + self.gap()
            if t > self.end:
                break

        if prev.sender is not user and self.remaining() > 0:
            if rng.random() < 0.08:
                self.forward(prev, min(t, self.end))
            elif rng.random() < 0.03:
                self.draft(reply_to=prev, when=min(t, self.end))

    def next_speaker(self, prev, partner, cc):
        """Who answers prev: the user most often, else the partner or someone in Cc."""
        rng = self.rng
        if prev.sender is not self.user and rng.random() < 0.65:
            return self.user
        others = [p for p in (partner,) + cc if p is not prev.sender]
        if not others or (prev.sender is not self.user and rng.random() < 0.5):
            return prev.sender
        return rng.choice(others)

    def forward(self, original, when):
        """The user forwards original to a colleague; the copy lands in Sent."""
        colleague = self.pick_person(exclude=(original.sender,))
        prefix = MAILERS[self.user.mailer].forward
        self.add(folder="Sent", kind="conv", topic=original.topic, lang=original.lang,
                 sender=self.user, to=(colleague,), cc=(), time=when,
                 subject=prefix + original.subject, thread_seed=original.thread_seed,
                 thread_time=original.thread_time, forwards=original.idx, flags={"S"})
        original.keywords.add(FORWARDED)

    def draft(self, reply_to=None, when=None):
        """An unsent message in Drafts: a reply in progress or a new message."""
        rng = self.rng
        if reply_to is None:
            partner = self.pick_person()
            topic = rng.choice(ROLE_TOPICS[partner.role])
            when = self.start_time()
            seed = rng.getrandbits(62)
            self.add(folder="Drafts", kind="conv", topic=topic, lang=partner.lang,
                     sender=self.user, to=(partner,), cc=(), time=when,
                     subject=self.thread_subject(topic, partner.lang, seed, when),
                     thread_seed=seed, thread_time=when, flags={"D", "S"})
            return
        self.add(folder="Drafts", kind="conv", topic=reply_to.topic, lang=reply_to.lang,
                 sender=self.user, to=(reply_to.sender,), cc=(), time=when,
                 subject=MAILERS[self.user.mailer].reply + base_subject(reply_to.subject),
                 thread_seed=reply_to.thread_seed, thread_time=reply_to.thread_time,
                 in_reply_to=reply_to.message_id,
                 references=(reply_to.references + (reply_to.message_id,))[-12:],
                 parent=reply_to.idx, flags={"D", "S"})

    def list_thread(self):
        """A discussion on a mailing list; the user's own posts go to Sent."""
        rng = self.rng
        source = rng.choice(self.sources["lists"])
        members = source.members
        length = min(1 + int(rng.expovariate(0.4)), 15, self.remaining())
        start = self.start_time()
        thread_seed = rng.getrandbits(62)
        lang = source.sender.lang if rng.random() < 0.8 else rng.choice(("ru", "en"))
        root = f"{source.tag} " + self.thread_subject("dev", lang, thread_seed, start)
        t, prev = start, None

        for depth in range(length):
            if rng.random() < 0.12:
                sender = self.user
            else:
                sender = rng.choice([m for m in members if prev is None or m is not prev.sender])
            outgoing = sender is self.user
            plan = self.add(
                folder="Sent" if outgoing else source.folder, kind="list", topic="dev",
                lang=lang, sender=sender, to=(source.sender,),
                cc=(prev.sender,) if prev and rng.random() < 0.3 else (), time=t,
                subject=root if prev is None else MAILERS[sender.mailer].reply + root,
                thread_seed=thread_seed, thread_time=start,
                in_reply_to=prev.message_id if prev else "",
                references=(prev.references + (prev.message_id,))[-12:] if prev else (),
                parent=prev.idx if prev else -1, source=source)
            if outgoing:
                plan.flags.add("S")
            else:
                self.incoming_flags(plan, "dev")
            prev, t = plan, t + self.gap()
            if t > self.end:
                break

    def single(self, group, kind, folder_weights, seen):
        """One message from a non-person source, filed by folder_weights."""
        rng = self.rng
        source = rng.choice(self.sources[group])
        when = self.start_time()
        folders, weights = zip(*folder_weights)
        folder = source.folder if source.folder != "INBOX" else rng.choices(folders, weights)[0]
        plan = self.add(folder=folder, kind=kind or source.kind, topic=source.kind,
                        lang=source.sender.lang, sender=source.sender, to=(self.user,), cc=(),
                        time=when, subject="", thread_seed=rng.getrandbits(62),
                        thread_time=when, source=source)
        plan.subject = bulk_subject(plan)
        if rng.random() < seen:
            plan.flags.add("S")
        return plan

    def newsletter(self):
        """A newsletter, read or not, sometimes deleted or archived."""
        self.single("news", "news", (("INBOX", 75), ("Trash", 15), ("Archive", 10)), 0.8)

    def notification(self):
        """A CI, bank or calendar notification."""
        self.single("notify", None, (("INBOX", 85), ("Archive", 10), ("Trash", 5)), 0.9)

    def spam(self):
        """Spam, mostly caught in Junk."""
        self.single("spam", "spam", (("Junk", 85), ("INBOX", 10), ("Trash", 5)), 0.25)


def base_subject(subject):
    """A subject without the reply and forward prefixes clients put in front."""
    return REPLY_PREFIX.sub("", subject)


def thread_context(thread_seed, lang, start):
    """Values that stay the same across a thread: project, amounts, dates."""
    rng = random.Random(thread_seed)
    later = datetime.datetime.fromtimestamp(start + rng.randint(1, 20) * DAY, datetime.UTC)
    month = later.month - 1
    amount = rng.randint(12, 980) * 1000 + rng.choice((0, 0, 500, 250))
    if lang == "ru":
        date = f"{later.day} {MONTHS['ru'][month]}"
        money = f"{amount:,} руб.".replace(",", "\u00a0")
        month_name = MONTHS_NOMINATIVE[month]
    else:
        date = f"{MONTHS['en'][month]} {later.day}"
        money = f"${amount / 10:,.2f}"
        month_name = MONTHS["en"][month]
    return {
        "project": rng.choice(PROJECTS[lang]), "date": date, "month": month_name,
        "time": f"{rng.randint(9, 18)}:{rng.choice(('00', '30', '15'))}",
        "room": rng.choice(ROOMS[lang]), "amount": money,
        "invoice": str(rng.randint(100, 9999)), "quarter": str(rng.randint(1, 4)),
        "contract": f"{rng.randint(10, 99)}/{later.year % 100}-{rng.choice('АБВКМ')}",
        "city": rng.choice(CITIES[lang]),
        "flight": f"{rng.choice(('SU', 'S7', 'U6', 'LH', 'BA', 'KL'))} {rng.randint(100, 2999)}",
        "version": f"{rng.randint(1, 4)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}",
        "percent": str(rng.randint(12, 95)), "ticket": f"KNV-{rng.randint(100, 4999)}",
        "feature": rng.choice(FEATURES), "platform": rng.choice(PLATFORMS),
        "year": str(later.year),
    }


NEWS_ITEMS = {
    "digest": ("Как мы ускорили поиск по почте в 10 раз", "Почему IMAP до сих пор жив",
               "Обзор новых возможностей C++26", "Rust или C++: опыт миграции",
               "Разбираем JMAP на практике", "Кеширование в RocksDB: подводные камни",
               "Как не утонуть в уведомлениях", "История одного инцидента в продакшене",
               "Контейнеры без Docker", "Отказоустойчивость для небольших команд"),
    "cppweekly": ("Faster mail search with tries", "Why IMAP refuses to die",
                  "What is coming in C++26", "Coroutines in practice", "JMAP for the impatient",
                  "RocksDB compaction explained", "Designing for backpressure",
                  "constexpr all the things", "Modules: are we there yet?",
                  "The cost of a virtual call"),
    "airline": ("Скидка 20% на рейсы в {city}", "Удвоенные мили за полёты в {month}",
                "Новый маршрут: Москва — {city}", "Бизнес-класс по цене эконома",
                "Раннее бронирование на лето", "Мили за покупки у партнёров"),
    "travel": ("{city} from $99 a night", "Last-minute weekend in {city}",
               "Top 10 hotels in {city}", "Save 25% with early booking",
               "Family deals in {city}", "Spa breaks this {month}"),
    "books": ("Новинки фантастики", "Бестселлеры месяца",
              "Скидка {percent}% на деловую литературу", "Подборка для отпуска",
              "Книги о программировании", "Детские книги к лету"),
}
NEWS_SUMMARIES = {
    "ru": ("Рассказываем, что получилось и какие ошибки мы совершили по пути.",
           "Подробный разбор с примерами кода и замерами производительности.",
           "Предложение действует до конца месяца, количество мест ограничено.",
           "Собрали лучшее за неделю, чтобы вы ничего не пропустили."),
    "en": ("What worked, what did not, and what we would do differently.",
           "A detailed walkthrough with code samples and benchmarks.",
           "The offer ends this month and availability is limited.",
           "The best of the week, so you do not miss anything."),
}
SPAM = {
    "courses": ("Бухгалтерские курсы со скидкой {percent}%",
                "Увеличим продажи вашей компании в 3 раза за месяц! Бесплатный вебинар "
                "{date}. Только сегодня скидка {percent}% на полный курс."),
    "prize": ("Congratulations! Claim your {amount} prize",
              "You have been selected to receive {amount}. Confirm your details within 24 "
              "hours to claim your prize. This is not spam."),
    "delivery": ("Ваша посылка задержана на складе",
                 "Посылка № {invoice} не может быть доставлена. Оплатите хранение {amount} "
                 "по ссылке, иначе посылка будет возвращена отправителю."),
}

USER_NAME = "Алексей Демидов"
USER_FIRST = {"ru": "Алексей", "en": "Alexey"}

# Characters KOI8-R or windows-1251 lack, as a sender of that charset would type them.
LEGACY_FALLBACK = str.maketrans({"«": '"', "»": '"', "№": "N", "—": "-", "–": "-", "→": "->",
                                 "ł": "l", "Ł": "L", "ś": "s", "ç": "c", "í": "i"})
Q_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


@dataclass
class Content:
    """A message's body as plain text and as an HTML fragment (no <html> wrapper)."""

    text: str
    html: str


def bulk_subject(plan):
    """The subject of a newsletter, notification or spam message."""
    ctx = thread_context(plan.thread_seed, plan.lang, plan.thread_time)
    key = plan.source.key
    if key in NEWS_ITEMS:
        first = news_items(plan)[0]
        if key == "digest":
            return f"Дайджест за неделю: {first}"
        if key == "cppweekly":
            return f"C++ Weekly #{plan.thread_seed % 400}: {first}"
        return first
    if key == "ci":
        status = ("failed", "passed", "fixed")[plan.thread_seed % 3]
        return f"[konvert] Pipeline #{plan.thread_seed % 90000} {status} for main"
    if key == "bank":
        return f"Выписка по счёту за {ctx['month']} {ctx['year']}"
    if key == "calendar":
        return f"Напоминание: встреча «{ctx['project']}» {ctx['date']} в {ctx['time']}"
    return SPAM[key][0].format_map(ctx)


def news_items(plan):
    """A newsletter's headlines, fixed by its seed so subject and body agree."""
    ctx = thread_context(plan.thread_seed, plan.lang, plan.thread_time)
    rng = random.Random(plan.thread_seed)
    pool = NEWS_ITEMS[plan.source.key]
    return [h.format_map(ctx) for h in rng.sample(pool, rng.randint(4, len(pool)))]


def local_time(instant, offset):
    """An aware datetime for instant at a UTC offset, with DST in Europe and the US."""
    summer = 4 <= datetime.datetime.fromtimestamp(instant, datetime.UTC).month <= 10
    if summer and offset in (0, 60, -300, -360, -480):
        offset += 60
    zone = datetime.timezone(datetime.timedelta(minutes=offset))
    return datetime.datetime.fromtimestamp(instant, zone)


def first_name(person, lang, user):
    """How a greeting names person in lang."""
    return USER_FIRST[lang] if person is user else person.first


def wrap(text, width=72):
    """Hard-wraps a paragraph at width columns, as Thunderbird and mutt do."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def quote_lines(text):
    """Prefixes every line with ">" the way clients quote a reply."""
    return "\n".join(("> " + line if line and line[0] != ">" else ">" + line) if line else ">"
                     for line in text.split("\n"))


def esc(text):
    """Escapes text for HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribution(parent, lang, mailer_name):
    """The line a client writes above a quote."""
    when = local_time(parent.time, parent.sender.utc_offset)
    who = parent.sender
    if lang == "ru":
        day = f"{when.day} {MONTHS['ru'][when.month - 1]} {when.year} г."
        if mailer_name == "thebat":
            return f"Вы писали {day}, {when:%H:%M}:"
        return f"{day}, в {when:%H:%M}, {who.name} <{who.address}> написал(а):"
    if mailer_name == "gmail":
        return f"On {when:%a, %b} {when.day}, {when.year} at {when:%I:%M %p}, " \
               f"{who.name} <{who.address}> wrote:"
    return f"On {when:%d.%m.%Y %H:%M}, {who.name} wrote:"


def header_block(parent, lang, forward):
    """The From/Sent/To/Subject block Outlook puts above a quote or a forward."""
    when = local_time(parent.time, parent.sender.utc_offset)
    to = "; ".join(p.name for p in parent.to)
    if lang == "ru":
        title = "-------- Пересылаемое сообщение --------" if forward \
            else "-----Исходное сообщение-----"
        sent = f"{when.day} {MONTHS['ru'][when.month - 1]} {when.year} г. {when:%H:%M}"
        rows = (("От", f"{parent.sender.name} <{parent.sender.address}>"),
                ("Отправлено", sent), ("Кому", to), ("Тема", parent.subject))
    else:
        title = "-------- Forwarded Message --------" if forward \
            else "-----Original Message-----"
        rows = (("From", f"{parent.sender.name} <{parent.sender.address}>"),
                ("Sent", f"{when:%A, %B} {when.day}, {when.year} {when:%H:%M}"), ("To", to),
                ("Subject", parent.subject))
    return title, rows


def compose(plan, plans, user, depth=0):
    """The body of plan as Content; replies quote their parent up to a depth."""
    if plan.kind in ("conv", "list"):
        return conversation(plan, plans, user, depth)
    if plan.kind == "news":
        return newsletter(plan)
    if plan.kind == "spam":
        ctx = thread_context(plan.thread_seed, plan.lang, plan.thread_time)
        text = SPAM[plan.source.key][1].format_map(ctx)
        html = f'<p style="font-size:20px;color:#c00"><b>{esc(text)}</b></p>' \
               '<p><a href="https://spam.example/click">&gt;&gt;&gt; &gt;&gt;&gt;</a></p>'
        return Content(text + "\n\nhttps://spam.example/click\n", html)
    return notification(plan, user)


def forward_inline(plan):
    """Whether a forward quotes the original in the body rather than attaching it."""
    return (plan.seed >> 7) % 5 < 3


def conversation(plan, plans, user, depth):
    """A person's message: greeting, paragraphs, sign-off, signature and quote."""
    rng = random.Random(plan.seed ^ TEXT_SALT)
    lang, sender = plan.lang, plan.sender
    ctx = thread_context(plan.thread_seed, lang, plan.thread_time)
    mailer = MAILERS[sender.mailer]
    lines = TOPICS[plan.topic][lang]["lines"]

    addressee = plan.to[0]
    if addressee.role == "list" or (plan.cc and rng.random() < 0.4):
        greeting = GREETINGS[lang][-1]
    else:
        greeting = rng.choice(GREETINGS[lang][:-1]).format(
            first=first_name(addressee, lang, user))
    if plan.forwards >= 0:
        paragraphs = ["Пересылаю, посмотри, пожалуйста." if lang == "ru"
                      else "Forwarding this, could you take a look?"]
    elif plan.parent < 0:
        picked = sorted(rng.sample(range(len(lines)), rng.randint(2, min(5, len(lines)))))
        paragraphs = [lines[n] for n in picked]
    else:
        paragraphs = [rng.choice(REPLIES[lang])]
        if rng.random() < 0.3:
            paragraphs.append(rng.choice(lines))
    paragraphs = [p.format_map(ctx) for p in paragraphs]
    signoff = [rng.choice(CLOSINGS[lang]), first_name(sender, lang, user)]
    signature = [sender.name if sender is not user else USER_NAME]
    signature += [", ".join(x for x in (sender.title, sender.org) if x), sender.phone]
    signature = [s for s in signature if s]

    body = [greeting] + [wrap(p) if mailer.wrap else p for p in paragraphs]
    text = "\n\n".join(body) + "\n\n" + "\n".join(signoff)
    if sender.title:
        text += "\n\n-- \n" + "\n".join(signature)
    html = "".join(f"<p>{esc(p)}</p>\n" for p in [greeting] + paragraphs)
    html += "<p>" + "<br>\n".join(esc(s) for s in signoff) + "</p>\n"
    if sender.title:
        html += '<div class="signature">' + "<br>\n".join(esc(s) for s in signature) \
                + "</div>\n"

    quoted = plan.forwards if plan.forwards >= 0 and forward_inline(plan) else plan.parent
    if quoted < 0 or depth >= MAX_QUOTE_DEPTH:
        return Content(text + "\n", html)
    parent = plans[quoted]
    inner = compose(parent, plans, user, depth + 1)
    forward = quoted == plan.forwards
    if mailer.quote == "outlook" or forward:
        title, rows = header_block(parent, lang, forward)
        block = "\n".join(f"{k}: {v}" for k, v in rows)
        text += f"\n\n{title}\n{block}\n\n{inner.text}"
        html += f"<div><p>{esc(title)}<br>\n" \
                + "<br>\n".join(f"<b>{esc(k)}:</b> {esc(v)}" for k, v in rows) \
                + f"</p>\n{inner.html}</div>\n"
    else:
        line = attribution(parent, lang, sender.mailer)
        text += f"\n\n{line}\n{quote_lines(inner.text)}"
        html += f"<div>{esc(line)}</div>\n<blockquote type=\"cite\">\n{inner.html}" \
                "</blockquote>\n"
    return Content(text + "\n", html)


def newsletter(plan):
    """A newsletter: headlines with summaries, a table-based HTML layout."""
    rng = random.Random(plan.seed ^ TEXT_SALT)
    lang = plan.lang
    more = "Читать далее" if lang == "ru" else "Read more"
    unsubscribe = "Отписаться от рассылки" if lang == "ru" else "Unsubscribe"
    domain = plan.sender.domain
    text_parts, rows = [], []
    for n, headline in enumerate(news_items(plan)):
        summary = " ".join(rng.sample(NEWS_SUMMARIES[lang], 2))
        url = f"https://{domain}/r/{plan.thread_seed % 10**6}/{n}"
        text_parts.append(f"{headline}\n{summary}\n{url}")
        rows.append(
            '<tr><td style="padding:16px 24px;font-family:Arial,Helvetica,sans-serif;'
            'border-bottom:1px solid #eeeeee">'
            f'<h2 style="margin:0 0 8px;font-size:20px;color:#1a1a1a">{esc(headline)}</h2>'
            f'<p style="margin:0 0 12px;font-size:15px;line-height:22px;color:#444444">'
            f'{esc(summary)}</p><a href="{url}" style="color:#0a66c2;text-decoration:none;'
            f'font-weight:bold">{more} &rarr;</a></td></tr>\n')
    footer = f"{unsubscribe}: https://{domain}/unsubscribe"
    html = ('<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
            'style="background:#f4f4f4"><tr><td align="center">\n'
            '<table role="presentation" width="600" cellpadding="0" cellspacing="0" '
            'style="background:#ffffff">\n'
            '<tr><td style="padding:24px"><img src="cid:{logo}" alt="logo" width="160"></td>'
            '</tr>\n' + "".join(rows) +
            f'<tr><td style="padding:24px;font-size:12px;color:#888888">'
            f'<a href="https://{domain}/unsubscribe">{esc(unsubscribe)}</a></td></tr>\n'
            '</table></td></tr></table>\n')
    return Content("\n\n".join(text_parts) + "\n\n--\n" + footer + "\n", html)


def notification(plan, user):
    """A CI, bank or calendar notification."""
    ctx = thread_context(plan.thread_seed, plan.lang, plan.thread_time)
    key = plan.source.key
    if key == "ci":
        rng = random.Random(plan.seed ^ TEXT_SALT)
        jobs = "\n".join(f"  {job:<22} {rng.choice(('passed', 'passed', 'failed')):<8} "
                         f"{rng.randint(1, 14)}m{rng.randint(0, 59):02d}s"
                         for job in ("build (gcc-12)", "build (clang-17)", "test (unit)",
                                     "test (integration)", "lint"))
        text = (f"{plan.subject}\n\nCommit: {rng.getrandbits(160):040x}\n"
                f"Author: {rng.choice(LIST_PEOPLE).name}\n\n"
                f"Jobs:\n{jobs}\n\n"
                f"https://ci.{user.domain}/konvert/pipelines/{plan.thread_seed % 90000}\n")
        return Content(text, "")
    if key == "bank":
        text = (f"Уважаемый клиент!\n\nНаправляем выписку по счёту за {ctx['month']} "
                f"{ctx['year']}. Остаток на конец периода: {ctx['amount']}.\n\n"
                "Это письмо сформировано автоматически, не отвечайте на него.\n")
    else:
        text = (f"Напоминание о встрече «{ctx['project']}».\n\nКогда: {ctx['date']}, "
                f"{ctx['time']}\nГде: {ctx['room']}\n")
    html = "".join(f"<p>{esc(p)}</p>\n" for p in text.strip().split("\n\n"))
    return Content(text, html)


def fit_charset(text, charset):
    """Text as a client of charset would send it, and the charset it ends up in.

    Legacy charsets lack typographic quotes and dashes, which such clients
    replace; text that still does not fit goes out as UTF-8.
    """
    if charset == "utf-8":
        return text, charset
    try:
        text.encode(charset)
        return text, charset
    except UnicodeEncodeError:
        plain = text.translate(LEGACY_FALLBACK)
    try:
        plain.encode(charset)
        return plain, charset
    except UnicodeEncodeError:
        return text, "utf-8"


def encoded_words(text, charset, mode, limit=66):
    """RFC 2047 encoded-words for text, each at most limit characters long.

    A word never splits a character (RFC 2047 section 5), and the limit
    stays under 78 columns with a header name in front (section 2).
    """
    label = charset.upper() if charset == "utf-8" and mode == "B" else charset
    prefix = f"=?{label}?{mode}?"
    room = limit - len(prefix) - 2
    words, chunk, qlen = [], b"", 0
    for ch in text:
        raw = ch.encode(charset)
        if mode in "Bb":
            grown = 4 * ((len(chunk) + len(raw) + 2) // 3)
        else:
            grown = qlen + sum(1 if b in Q_SAFE or b == 32 else 3 for b in raw)
        if chunk and grown > room:
            words.append(prefix + encode_chunk(chunk, mode) + "?=")
            chunk, qlen = b"", 0
            grown = 4 * ((len(raw) + 2) // 3) if mode in "Bb" else \
                sum(1 if b in Q_SAFE or b == 32 else 3 for b in raw)
        chunk += raw
        qlen = grown
    words.append(prefix + encode_chunk(chunk, mode) + "?=")
    return words


def encode_chunk(data, mode):
    """The encoded text of one encoded-word: base64, or Q with "_" for space."""
    if mode in "Bb":
        return base64.b64encode(data).decode("ascii")
    return "".join("_" if b == 32 else chr(b) if b in Q_SAFE else f"={b:02X}" for b in data)


def text_tokens(text, charset, mailer):
    """Header tokens for an unstructured value such as a subject.

    Some clients encode the whole value once it has a non-ASCII letter;
    others leave ASCII words, like "Re:", outside the encoded words.
    """
    if text.isascii():
        return text.split(" ")
    text, charset = fit_charset(text, charset)
    mode = mailer.header_mode.upper()
    if mailer.encode_whole:
        return encoded_words(text, charset, mode)
    tokens, run = [], []
    for word in text.split(" "):
        if word.isascii() and word:
            if run:
                tokens += encoded_words(" ".join(run), charset, mode)
                run = []
            tokens.append(word)
        else:
            run.append(word)
    if run:
        tokens += encoded_words(" ".join(run), charset, mode)
    return tokens


def address_tokens(people, charset, mailer):
    """Header tokens for a list of addresses, display names encoded as needed."""
    tokens = []
    for n, person in enumerate(people):
        name = person.name
        if not name.isascii():
            text, cs = fit_charset(name, charset)
            tokens += encoded_words(text, cs, mailer.header_mode.upper())
        elif any(c in name for c in '()<>[]:;@\\,."'):
            tokens.append('"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"')
        else:
            tokens += name.split()
        tokens.append(f"<{person.address}>" + ("," if n + 1 < len(people) else ""))
    return tokens


def fold(name, tokens):
    """Joins tokens into a header value folded before 78 columns.

    The value goes in with set_raw, so Python's folder leaves it alone; it
    would otherwise re-encode every word as UTF-8.
    """
    lines, line = [], name + ":"
    for token in tokens:
        if len(line) + 1 + len(token) > 78 and line != name + ":":
            lines.append(line)
            line = " " + token
        else:
            line += " " + token
    lines.append(line)
    return "\n".join(lines)[len(name) + 2:]


def fake_base64(rng, length):
    """Random base64 text of length characters, for signatures and hashes."""
    return base64.b64encode(rng.randbytes(length * 3 // 4 + 3)).decode("ascii")[:length]


def received_headers(msg, plan, rng, user, received):
    """Return-Path, Delivered-To, the Received chain and authentication results."""
    sender = plan.sender
    server = local_time(received, 180)
    stamp = format_datetime(server) + " (MSK)"
    ip = f"{rng.choice((192, 198, 203))}.{rng.choice((0, 51, 0))}.{rng.choice((2, 100, 113))}" \
         f".{rng.randint(2, 254)}"
    relay = f"mail.{sender.domain}"
    queue = f"{rng.getrandbits(40):010X}"
    spam = plan.kind == "spam"
    msg.set_raw("Return-Path", f"<{sender.address}>")
    msg.set_raw("Delivered-To", user.address)
    msg.set_raw("Received", fold("Received", (
        f"from mx1.{user.domain}", f"by mail.{user.domain}", "with LMTP",
        f"id {fake_base64(rng, 22).replace('/', 'x').replace('+', 'y')}",
        f"for <{user.address}>;", stamp)))
    msg.set_raw("Received", fold("Received", (
        f"from {relay}", f"({relay} [{ip}])", f"by mx1.{user.domain} (Postfix)",
        "with ESMTPS", f"id {queue}", f"for <{user.address}>;", stamp)))
    verdict = "softfail" if spam else "pass"
    msg.set_raw("Authentication-Results", fold("Authentication-Results", (
        f"mx1.{user.domain};", f"dkim={'none' if spam else 'pass'}",
        f"header.d={sender.domain};", f"spf={verdict}", f"smtp.mailfrom={sender.address};",
        f"dmarc={'fail' if spam else 'pass'}", f"header.from={sender.domain}")))
    if sender.mailer in ("gmail", "outlook", "bulk", "webmail") and not spam:
        msg.set_raw("DKIM-Signature", fold("DKIM-Signature", (
            "v=1;", "a=rsa-sha256;", "c=relaxed/relaxed;", f"d={sender.domain};",
            "s=selector1;", "h=From:Date:Subject:Message-ID:Content-Type:MIME-Version;",
            f"bh={fake_base64(rng, 43)}=;", "b=" + fake_base64(rng, 60),
            fake_base64(rng, 70), fake_base64(rng, 70), fake_base64(rng, 70),
            fake_base64(rng, 70) + "==")))
    if spam:
        score = rng.randint(55, 150) / 10
        msg.set_raw("X-Spam-Flag", "YES" if plan.folder == "Junk" else "NO")
        msg.set_raw("X-Spam-Status", f"Yes, score={score} required=5.0")


def list_headers(msg, plan, user):
    """List-Id and its companions (RFC 2369, RFC 2919) on list and bulk mail."""
    source = plan.source
    sender = source.sender
    local, domain = sender.address.split("@")
    if source.list_id:
        msg.set_raw("List-Id", source.list_id)
    if plan.kind == "list":
        msg.set_raw("List-Unsubscribe", fold("List-Unsubscribe", (
            f"<mailto:{local}-leave@{domain}>,", f"<https://{domain}/mailman/{local}>")))
        msg.set_raw("List-Post", f"<mailto:{sender.address}>")
        msg.set_raw("List-Archive", f"<https://{domain}/archives/{local}>")
        msg.set_raw("Precedence", "list")
        msg.set_raw("Sender", f"{local}-bounces@{domain}")
    else:
        msg.set_raw("List-Unsubscribe", fold("List-Unsubscribe", (
            f"<https://{domain}/unsubscribe?u={plan.thread_seed % 10**9}>,",
            f"<mailto:unsubscribe@{domain}>")))
        msg.set_raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        msg.set_raw("Precedence", "bulk")
        msg.set_raw("Feedback-ID", f"{plan.thread_seed % 10**6}:{local}:newsletter")


def envelope(msg, plan, rng, user, received):
    """All top-level headers up to the MIME ones, in the sender's style."""
    sender = plan.sender
    mailer = MAILERS[sender.mailer]
    incoming = plan.folder not in ("Sent", "Drafts")
    if incoming:
        received_headers(msg, plan, rng, user, received)
    if plan.kind in ("list", "news", "bank") and incoming:
        list_headers(msg, plan, user)

    msg.set_raw("Message-ID", plan.message_id)
    stamp = format_datetime(local_time(plan.time, sender.utc_offset))
    if sender.mailer == "thebat":
        stamp += " (MSK)" if sender.utc_offset == 180 else ""
    msg.set_raw("Date", stamp)
    msg.set_raw("From", fold("From", address_tokens((sender,), sender.charset, mailer)))
    msg.set_raw("To", fold("To", address_tokens(plan.to, sender.charset, mailer)))
    if plan.cc:
        msg.set_raw("Cc", fold("Cc", address_tokens(plan.cc, sender.charset, mailer)))
    if plan.folder == "Sent" and rng.random() < 0.03:
        msg.set_raw("Bcc", fold("Bcc", address_tokens((user,), sender.charset, mailer)))
    msg.set_raw("Subject", fold("Subject", text_tokens(plan.subject, sender.charset,
                                                           mailer)))
    if plan.in_reply_to:
        msg.set_raw("In-Reply-To", plan.in_reply_to)
    if plan.references:
        msg.set_raw("References", fold("References", plan.references))
    if plan.kind == "list" and rng.random() < 0.5:
        msg.set_raw("Reply-To", plan.to[0].address)
    if mailer.agent:
        name, value = mailer.agent.split(": ", 1)
        msg.set_raw(name, fold(name, value.split(" ")))
    if sender.mailer == "thunderbird":
        msg.set_raw("Content-Language", "ru" if plan.lang == "ru" else "en-US")
    if sender.mailer == "outlook" and rng.random() < 0.1:
        msg.set_raw("Importance", "high")
    if plan.folder == "Drafts":
        msg.set_raw("X-Mozilla-Draft-Info", "internal/draft; vcard=0; receipt=0; DSN=0;"
                   " uuencode=0; attachmentreminder=0; deliveryformat=0")


@dataclass
class Attachment:
    """A file to attach: bytes, or str for text types encoded in charset."""

    data: object
    maintype: str
    subtype: str
    filename: str
    charset: str = "utf-8"
    params: dict = None


def png_image(rng, size, photo):
    """A valid PNG of about size bytes: noise for a photo, flat bands for a logo."""
    width = rng.randint(120, 320)
    height = max(8, size // (width * 3))
    row = width * 3
    if photo:
        raw = b"".join(b"\x00" + rng.randbytes(row) for _ in range(height))
    else:
        bands = [b"\x00" + rng.randbytes(3) * width for _ in range(4)]
        raw = b"".join(bands[y * 4 // height] for y in range(height))

    def chunk(tag, data):
        """A PNG chunk: length, tag, data and CRC-32."""
        return struct.pack(">I", len(data)) + tag + data + \
            struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + \
        chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def pdf_document(rng, title, size):
    """A valid one-page PDF of about size bytes: a title over a greyscale scan."""
    side = max(16, int(size ** 0.5))
    scan = rng.randbytes(side * side)
    title = "".join(c for c in title if c.isascii() and c not in "()\\") or "Document"
    page = f"BT /F1 18 Tf 56 780 Td ({title}) Tj ET\nq 480 0 0 480 56 200 cm /Im1 Do Q\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(page), page.encode()),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream" % (side, side, len(scan),
                                                                      scan),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def csv_table(rng, lang, ctx):
    """A CSV export: Russian ones as Excel writes them, ";" and windows-1251."""
    rows = rng.randint(10, 300)
    year = ctx["year"]
    if lang == "ru":
        lines = ["Дата;Наименование;Количество;Сумма, руб."]
        items = ("Услуги по договору", "Лицензия", "Сопровождение", "Оборудование", "Доставка")
        for n in range(rows):
            lines.append(f"{1 + n % 28:02d}.{1 + n % 12:02d}.{year};{rng.choice(items)} "
                         f"{ctx['contract']};{rng.randint(1, 40)};"
                         f"{rng.randint(100, 99999)},{rng.randint(0, 99):02d}")
        return "\r\n".join(lines) + "\r\n", "windows-1251"
    lines = ["date,item,quantity,amount"]
    items = ("Consulting", "License", "Support", "Hardware", "Shipping")
    for n in range(rows):
        lines.append(f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d},{rng.choice(items)},"
                     f"{rng.randint(1, 40)},{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}")
    return "\n".join(lines) + "\n", "utf-8"


def log_text(rng, ctx):
    """A few hundred lines of a server log."""
    levels = ("INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG")
    events = ("imap: connection from 198.51.100.%d", "jmap: Email/query took %d ms",
              "store: compaction finished in %d ms", "smtp: queued message %d",
              "auth: login failed for user %d")
    return "".join(f"{ctx['year']}-03-{1 + n % 28:02d} 12:{n % 60:02d}:{rng.randint(0, 59):02d}"
                   f" {rng.choice(levels):<5} {rng.choice(events) % rng.randint(1, 999)}\n"
                   for n in range(rng.randint(20, 250)))


def calendar_invite(plan, ctx):
    """An iCalendar REQUEST for the meeting a message is about (RFC 5545)."""
    start = datetime.datetime.fromtimestamp(plan.thread_time + 3 * DAY, datetime.UTC)
    start = start.replace(hour=7, minute=0, second=0)
    end = start + datetime.timedelta(hours=1)
    organizer = plan.sender
    return ("BEGIN:VCALENDAR\r\nPRODID:-//Konvert demo//generate-mailbox//EN\r\n"
            "VERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
            f"UID:{plan.thread_seed:x}@{organizer.domain}\r\n"
            f"DTSTAMP:{start:%Y%m%dT%H%M%SZ}\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
            f"DTEND:{end:%Y%m%dT%H%M%SZ}\r\nSUMMARY:{base_subject(plan.subject)}\r\n"
            f"LOCATION:{ctx['room']}\r\n"
            f"ORGANIZER;CN=\"{organizer.name}\":mailto:{organizer.address}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")


def document_size(rng):
    """Raw size of an attached document: mostly small, a few near 150 KB."""
    r = rng.random()
    if r < 0.03:
        return rng.randint(100_000, 145_000)
    if r < 0.20:
        return rng.randint(25_000, 70_000)
    return rng.randint(3_000, 25_000)


# Chance that the first message of a thread on a topic carries files.
ATTACH_CHANCE = {"invoice": 0.45, "project": 0.15, "meeting": 0.15, "travel": 0.25,
                 "personal": 0.15, "hr": 0.2, "dev": 0.05}


def attachments(plan, rng, ctx):
    """The files plan carries, chosen by topic; most replies carry none."""
    ru = plan.lang == "ru"
    key = plan.source.key if plan.source else ""
    if key == "bank":
        name = f"Выписка_{ctx['month']}_{ctx['year']}.pdf"
        return [Attachment(pdf_document(rng, "Statement", rng.randint(3_000, 20_000)),
                           "application", "pdf", name)]
    if key == "calendar":
        return [Attachment(calendar_invite(plan, ctx), "text", "calendar", "Приглашение.ics",
                           params={"method": "REQUEST"})]
    chance = ATTACH_CHANCE.get(plan.topic, 0) * (1.0 if plan.parent < 0 else 0.15)
    if plan.kind not in ("conv", "list") or rng.random() >= chance:
        return []

    def pdf(ru_name, en_name):
        """A PDF named in the thread's language."""
        name = (ru_name if ru else en_name).format_map(ctx)
        return Attachment(pdf_document(rng, en_name.format_map(ctx), document_size(rng)),
                          "application", "pdf", name)

    def table(ru_name, en_name):
        """A CSV export named in the thread's language."""
        data, charset = csv_table(rng, plan.lang, ctx)
        return Attachment(data, "text", "csv", (ru_name if ru else en_name).format_map(ctx),
                          charset)

    topic = plan.topic
    if topic == "invoice":
        files = [pdf("Счёт № {invoice}.pdf", "Invoice_{invoice}.pdf")]
        if rng.random() < 0.25:
            files.append(table("Акт сверки {quarter} кв.csv", "statement_Q{quarter}.csv"))
        return files
    if topic == "project":
        choice = rng.randrange(4)
        if choice == 0:
            return [pdf("Отчёт за {month}.pdf", "Report {month}.pdf")]
        if choice == 1:
            return [table("План работ {project}.csv", "{project} plan.csv")]
        if choice == 2:
            return [Attachment(log_text(rng, ctx), "text", "plain", "build.log")]
        return [Attachment(png_image(rng, rng.randint(15_000, 60_000), True), "image", "png",
                           "Скриншот.png" if ru else "screenshot.png")]
    if topic == "meeting":
        if rng.random() < 0.6:
            return [Attachment(calendar_invite(plan, ctx), "text", "calendar",
                               "Приглашение.ics" if ru else "invite.ics",
                               params={"method": "REQUEST"})]
        return [pdf("Презентация {project}.pdf", "{project} slides.pdf")]
    if topic == "travel":
        return [pdf("Маршрутная квитанция {flight}.pdf", "e-ticket {flight}.pdf")]
    if topic == "personal":
        return [Attachment(png_image(rng, rng.randint(15_000, 60_000), True), "image", "png",
                           (f"Фото {n}.png" if ru else f"IMG_{4000 + n}.png"))
                for n in range(1, rng.randint(2, 3))]
    if topic == "hr":
        return [pdf("Заявление на отпуск.pdf", "leave form.pdf")]
    return [Attachment(log_text(rng, ctx), "text", "x-diff", "fix.patch")]


OUTLOOK_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
    'office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas'
    '.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
    '<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
    '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
    '<style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:"Cambria Math";\n\t'
    'panose-1:2 4 5 3 5 4 6 3 2 4;}\n@font-face\n\t{font-family:Calibri;\n\tpanose-1:2 15 5 2 2 '
    '2 4 3 2 4;}\n/* Style Definitions */\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t'
    '{margin:0cm;\n\tfont-size:11.0pt;\n\tfont-family:"Calibri",sans-serif;\n\t'
    'mso-fareast-language:EN-US;}\na:link, span.MsoHyperlink\n\t{mso-style-priority:99;\n\t'
    'color:#0563C1;\n\ttext-decoration:underline;}\nspan.EmailStyle17\n\t'
    '{mso-style-type:personal-compose;\n\tfont-family:"Calibri",sans-serif;\n\t'
    'color:windowtext;}\n.MsoChpDefault\n\t{mso-style-type:export-only;\n\t'
    'font-family:"Calibri",sans-serif;\n\tmso-fareast-language:EN-US;}\n'
    '@page WordSection1\n\t{size:612.0pt 792.0pt;\n\tmargin:2.0cm 42.5pt 2.0cm 3.0cm;}\n'
    'div.WordSection1\n\t{page:WordSection1;}\n--></style>\n</head>\n'
    '<body lang="RU" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
    '<div class="WordSection1">\n')


def html_document(fragment, mailer_name, charset):
    """Wraps an HTML fragment the way the sender's client writes a document."""
    if mailer_name == "outlook":
        body = fragment.replace("<p>", '<p class="MsoNormal">')
        return OUTLOOK_HEAD.replace("{charset}", charset) + body + "</div>\n</body>\n</html>\n"
    if mailer_name == "gmail":
        return f'<div dir="ltr">{fragment}</div>\n'
    if mailer_name == "apple":
        return ('<html><head><meta http-equiv="content-type" content="text/html; charset='
                f'{charset}"></head><body style="overflow-wrap: break-word; -webkit-nbsp-mode:'
                f' space; line-break: after-white-space;">\n{fragment}</body></html>\n')
    return ("<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv=\"content-type\" "
            f"content=\"text/html; charset={charset}\">\n  </head>\n  <body>\n{fragment}"
            "  </body>\n</html>\n")


def transfer_encoding(text, preferred):
    """The client's transfer encoding, or the one RFC 2045 forces on this text.

    7bit and 8bit need lines under 998 octets; ASCII text goes as 7bit
    where the client would send 8bit or base64.
    """
    longest = max(map(len, text.split("\n")))
    if preferred in ("8bit", "7bit", "base64") and text.isascii():
        return "7bit" if longest < 900 else "quoted-printable"
    if preferred == "8bit" and longest * 2 >= 900:
        return "quoted-printable"
    return preferred


def add_body(msg, plan, content, rng, mailer, charset):
    """The text part, an HTML alternative if the client writes one, inline images."""
    text, text_charset = fit_charset(content.text, charset)
    bulk = plan.kind in ("news", "spam", "bank", "calendar")
    want_html = bool(content.html) and (bulk or rng.random() < mailer.html)
    fragment, cid = content.html, None
    if plan.kind == "news":
        cid = f"logo.{plan.thread_seed % 10**6}@{plan.sender.domain}"
        fragment = fragment.replace("{logo}", cid)
    elif want_html and plan.sender.mailer == "outlook" and rng.random() < 0.1:
        cid = f"image001.png@01DA{rng.getrandbits(32):08X}.{rng.getrandbits(32):08X}"
        fragment += f'<p><img width="120" height="40" src="cid:{cid}" alt="logo"></p>\n'
    fragment, html_charset = fit_charset(fragment, charset)
    html = html_document(fragment, plan.sender.mailer, html_charset)

    if want_html and plan.kind == "spam" and rng.random() < 0.7:
        msg.set_content(html, subtype="html", charset=html_charset, cte="base64")
        html_part = msg
    else:
        msg.set_content(text, charset=text_charset,
                        cte=transfer_encoding(text, mailer.text_cte))
        html_part = None
        if want_html:
            msg.add_alternative(html, subtype="html", charset=html_charset,
                                cte=transfer_encoding(html, mailer.html_cte))
            html_part = msg.get_payload()[1]
    if cid and html_part is not None:
        name = "logo.png" if plan.kind == "news" else "image001.png"
        html_part.add_related(png_image(rng, rng.randint(2_000, 12_000), False), "image",
                              "png", cid=f"<{cid}>", filename=name, disposition="inline")


def legacy_filename(part, filename):
    """Rewrites a file name as Outlook does: an RFC 2047 word in a quoted string.

    RFC 2047 section 5 forbids that, yet it is common in real mail and most
    readers decode it; only names that fit one encoded-word are rewritten.
    """
    words = encoded_words(filename, "utf-8", "B", limit=64)
    if len(words) != 1:
        return
    content_type = part.get_content_type()
    del part["Content-Type"]
    del part["Content-Disposition"]
    part.set_raw("Content-Type", f'{content_type};\n name="{words[0]}"')
    part.set_raw("Content-Disposition", f'attachment;\n filename="{words[0]}"')


def add_attachments(msg, plan, rng, ctx, plans, user):
    """Attaches the plan's files and, for some forwards, the original message."""
    for file in attachments(plan, rng, ctx):
        if isinstance(file.data, str):
            msg.add_attachment(file.data, subtype=file.subtype, charset=file.charset,
                               cte="base64", filename=file.filename, params=file.params)
            continue
        msg.add_attachment(file.data, file.maintype, file.subtype, filename=file.filename)
        if not file.filename.isascii() and plan.sender.mailer in ("outlook", "webmail"):
            legacy_filename(msg.get_payload()[-1], file.filename)
    if plan.forwards >= 0 and not forward_inline(plan):
        original = plans[plan.forwards]
        data, _ = render_message(original, plans, user)
        attached = message_from_bytes(data, policy=POLICY)
        msg.add_attachment(attached, filename=base_subject(original.subject) + ".eml")


def finish(part, rng, mailer, top=True):
    """Sets boundaries in the client's style and drops MIME-Version from subparts.

    Python would draw boundaries from an unseeded generator and repeats
    MIME-Version in parts it creates; an attached message stays as it is.
    """
    if not top:
        del part["MIME-Version"]
    if part.get_content_maintype() == "message" or not part.is_multipart():
        return
    part.set_boundary(f"{mailer.boundary}{rng.getrandbits(96):024X}")
    for sub in part.iter_parts():
        finish(sub, rng, mailer, False)


def render_message(plan, plans, user):
    """The bytes of one message (CRLF line ends) and when it was received."""
    rng = random.Random(plan.seed)
    mailer = MAILERS[plan.sender.mailer]
    outgoing = plan.folder in ("Sent", "Drafts")
    received = plan.time + (0 if outgoing else rng.randint(2, 300))
    ctx = thread_context(plan.thread_seed, plan.lang, plan.thread_time)

    msg = EmailMessage(policy=POLICY)
    envelope(msg, plan, rng, user, received)
    add_body(msg, plan, compose(plan, plans, user), rng, mailer, plan.sender.charset)
    add_attachments(msg, plan, rng, ctx, plans, user)
    finish(msg, rng, mailer)
    return msg.as_bytes(), received


def folder_path(root, folder):
    """The directory of a folder: the root for INBOX, Maildir++ ".Name" otherwise."""
    return root if folder == "INBOX" else os.path.join(root, "." + folder)


def maildir_name(plan, size, received, end):
    """The subdirectory and file name, "TIME.PID_N.host,S=SIZE:2,FLAGS".

    System flags come sorted, then keyword letters; an unseen INBOX message
    from the last three days waits in new/ without an info part.
    """
    flags = "".join(sorted(plan.flags)) + "".join(chr(97 + k) for k in sorted(plan.keywords))
    base = f"{received}.{1000 + plan.seed % 60000}_{plan.idx}.{HOST},S={size}"
    if plan.folder == "INBOX" and not flags and end - received < 3 * DAY:
        return "new", base
    return "cur", f"{base}:2,{flags}"


# What worker processes render, set before they fork.
_JOB = {}


def render_range(bounds):
    """Renders and writes plans[start:stop]; returns messages and bytes per folder."""
    plans, user, root, end = _JOB["plans"], _JOB["user"], _JOB["root"], _JOB["end"]
    counts = {folder: [0, 0] for folder in FOLDERS}
    for plan in plans[bounds[0]:bounds[1]]:
        data, received = render_message(plan, plans, user)
        sub, name = maildir_name(plan, len(data), received, end)
        path = os.path.join(folder_path(root, plan.folder), sub, name)
        with open(path, "wb") as out:
            out.write(data)
        os.utime(path, (received, received))
        counts[plan.folder][0] += 1
        counts[plan.folder][1] += len(data)
    return counts


def prepare_tree(root):
    """Creates the folders, their dovecot-keywords and the subscriptions file.

    dovecot-keywords has one "index name" line per keyword; index i is the
    letter chr(ord('a') + i) in file names. subscriptions uses Dovecot's
    version 2 format, a "V\\t2" line, a blank line, then names whose
    hierarchy levels are separated by tabs.
    """
    if os.path.exists(root) and os.listdir(root):
        raise SystemExit(f"generate-mailbox: {root} exists and is not empty")
    keywords = "".join(f"{n} {name}\n" for n, name in enumerate(KEYWORDS))
    for folder in FOLDERS:
        path = folder_path(root, folder)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        if folder != "INBOX":
            open(os.path.join(path, "maildirfolder"), "w").close()
        with open(os.path.join(path, "dovecot-keywords"), "w") as out:
            out.write(keywords)
    with open(os.path.join(root, "subscriptions"), "w") as out:
        out.write("V\t2\n\n" + "".join(f.replace(".", "\t") + "\n" for f in FOLDERS))


def render_all(plans, user, root, end, jobs):
    """Renders every plan, in worker processes when jobs > 1; returns folder totals."""
    _JOB.update(plans=plans, user=user, root=root, end=end)
    step = 250
    ranges = [(start, min(start + step, len(plans))) for start in range(0, len(plans), step)]
    totals = {folder: [0, 0] for folder in FOLDERS}
    if jobs > 1 and len(ranges) > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = list(pool.imap_unordered(render_range, ranges))
    else:
        results = [render_range(r) for r in ranges]
    for counts in results:
        for folder, (n, size) in counts.items():
            totals[folder][0] += n
            totals[folder][1] += size
    return totals


def make_people(domain):
    """The correspondents, with colleagues moved to the user's domain."""
    return tuple(Person(*row[:2], *row[2:]) if "{domain}" not in row[1]
                 else Person(row[0], row[1].format(domain=domain), *row[2:])
                 for row in PEOPLE_ROWS)


def parse_args(argv):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, required=True, help="messages to write")
    parser.add_argument("--maildir", required=True, help="Maildir++ root to create")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--user-address", default="demo@example.test",
                        help="the mailbox owner's address (default demo@example.test)")
    parser.add_argument("--end-date", help="newest mail's day, YYYY-MM-DD (default today, "
                        "UTC); the same seed and end date give the same tree")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: one per CPU)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must not be negative")
    if "@" not in args.user_address:
        parser.error("--user-address needs an @")
    day = datetime.date.fromisoformat(args.end_date) if args.end_date else \
        datetime.datetime.now(datetime.UTC).date()
    args.end = int(datetime.datetime(day.year, day.month, day.day,
                                     tzinfo=datetime.UTC).timestamp())
    return args


def main(argv=None):
    """Plans, renders and writes the mailbox, then prints a one-line summary."""
    args = parse_args(argv)
    started = time.monotonic()
    user = Person(USER_NAME, args.user_address, "ru", 180, "thunderbird", "utf-8", "self",
                  "Руководитель разработки", "Konvert", "+7 495 555-00-10")
    people = make_people(user.domain)

    plans = Planner(args.count, args.seed, args.end, user, people).run()
    prepare_tree(args.maildir)
    totals = render_all(plans, user, args.maildir, args.end, max(1, args.jobs))

    size = sum(b for _, b in totals.values())
    folders = " ".join(f"{f.replace('.', '/')}={n}" for f, (n, _) in totals.items())
    print(f"generate-mailbox: {len(plans)} messages, {size / 2**20:.1f} MiB in "
          f"{time.monotonic() - started:.1f} s to {args.maildir}: {folders}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
