"""Common Syrian name words and how they are usually written in English, as plain facts.

Arabic script does not write short vowels, so محمد and محمود have the same consonants; this table
gives the vowels of common names (Arabic ↔ an English-style reading) so that Muhammad meets محمد
but not محمود, and so that an Arabic-only registration gets a familiar Latin reading. Family names
are written without the article ال; a few names that start with ال keep it (إلهام, إلياس).
Written for this module from general knowledge of Syrian names; not exhaustive, and the rules in
``_forms`` and ``_readings`` handle every word that is not here.
"""

from __future__ import annotations

_NAMES = """
محمد|Muhammad
أحمد|Ahmad
محمود|Mahmoud
علي|Ali
عبد|Abd
خالد|Khaled
عمر|Omar
يوسف|Yousef
حسن|Hasan
حسين|Hussein
إبراهيم|Ibrahim
مصطفى|Mustafa
صالح|Saleh
وليد|Walid
ياسر|Yaser
إسماعيل|Ismail
سليمان|Suleiman
حمزة|Hamza
قادر|Qader
خليل|Khalil
يحيى|Yahya
موسى|Mousa
عثمان|Othman
جاسم|Jasem
سعيد|Said
كريم|Karim
عيسى|Issa
عماد|Imad
جمال|Jamal
عادل|Adel
أنس|Anas
أسامة|Osama
طارق|Tareq
بلال|Bilal
علاء|Alaa
عمار|Ammar
قاسم|Qasem
عزيز|Aziz
حميد|Hamid
لطيف|Latif
رزاق|Razzaq
سلام|Salam
ناصر|Nasser
غني|Ghani
مجيد|Majid
جليل|Jalil
حليم|Halim
هادي|Hadi
باسط|Baset
وهاب|Wahhab
رحيم|Rahim
رحمن|Rahman
فتاح|Fattah
منعم|Monem
ستار|Sattar
جبار|Jabbar
زياد|Ziad
زكريا|Zakaria
يونس|Younes
عدنان|Adnan
سمير|Samir
فادي|Fadi
ماهر|Maher
باسل|Basel
حسام|Hussam
رائد|Raed
عامر|Amer
وائل|Wael
ياسين|Yassin
رامي|Rami
هيثم|Haitham
هشام|Hisham
مهند|Muhannad
معاذ|Moaz
مروان|Marwan
إياد|Iyad
كمال|Kamal
فيصل|Faisal
سامر|Samer
سامي|Sami
جميل|Jamil
نبيل|Nabil
صلاح|Salah
فراس|Firas
آدم|Adam
مازن|Mazen
جهاد|Jihad
حازم|Hazem
رضوان|Radwan
سعد|Saad
غسان|Ghassan
فارس|Fares
ماجد|Majed
عصام|Issam
سالم|Salem
يزن|Yazan
ليث|Laith
عبادة|Obada
براء|Baraa
هاني|Hani
وسيم|Wasim
بشار|Bashar
قصي|Qusai
معتز|Moataz
مصعب|Musab
شادي|Shadi
حامد|Hamed
نزار|Nizar
منير|Munir
فؤاد|Fouad
مراد|Murad
سلطان|Sultan
طلال|Talal
أمير|Amir
عمرو|Amr
مالك|Malek
مؤمن|Moamen
نادر|Nader
نور|Nour
دين|Din
أيوب|Ayoub
بكر|Bakr
رشيد|Rashid
فاطمة|Fatima
عائشة|Aisha
خديجة|Khadija
مريم|Maryam
زينب|Zainab
آمنة|Amina
أمينة|Amina
نورة|Noura
سارة|Sara
هدى|Huda
رنا|Rana
رنى|Rana
روان|Rawan
رهف|Rahaf
سلمى|Salma
لمى|Lama
ليلى|Layla
هبة|Hiba
حنان|Hanan
منى|Mona
نادية|Nadia
سعاد|Suad
سميرة|Samira
رقية|Ruqaya
أسماء|Asmaa
إيمان|Iman
آية|Aya
دعاء|Doaa
إسراء|Israa
آلاء|Alaa
شيماء|Shaimaa
بتول|Batoul
جنى|Jana
شهد|Shahd
غنى|Ghina
ريم|Reem
رغد|Raghad
ياسمين|Yasmin
نور الهدى|Nour
زهراء|Zahraa
أمل|Amal
وفاء|Wafaa
نجاح|Najah
صباح|Sabah
خلود|Kholoud
عبير|Abeer
سوسن|Sawsan
ميساء|Maysaa
لينا|Lina
رزان|Razan
بيان|Bayan
حلا|Hala
هالة|Hala
دانة|Dana
تسنيم|Tasnim
مرام|Maram
رؤى|Roaa
سهام|Siham
ابتسام|Ibtisam
انتصار|Intisar
إلهام|Ilham
إلياس|Elias
ألفت|Olfat
غادة|Ghada
وردة|Warda
زهرة|Zahra
كوثر|Kawthar
نجوى|Najwa
سلوى|Salwa
بشرى|Bushra
فرح|Farah
أسيل|Aseel
تقى|Tuqa
ضحى|Duha
هيفاء|Haifaa
خطيب|Khatib
حلبي|Halabi
شامي|Shami
حمصي|Homsi
حموي|Hamwi
زعبي|Zoubi
حريري|Hariri
مصري|Masri
أسعد|Asaad
عبيد|Obeid
شيخ|Sheikh
نجار|Najjar
حداد|Haddad
خوري|Khoury
عطار|Attar
صباغ|Sabbagh
بيطار|Bitar
حسيني|Husseini
جاسر|Jaser
إدريس|Idris
درويش|Darwish
عكاش|Akkash
كردي|Kurdi
تركماني|Turkmani
ديري|Deiri
حوراني|Hourani
رفاعي|Rifai
قباني|Qabbani
سيد|Sayed
علوان|Alwan
عبود|Abboud
حمود|Hammoud
شعار|Shaar
عثماني|Othmani
جبوري|Jubouri
عبيدي|Obaidi
دليمي|Dulaimi
شمري|Shammari
عنزي|Anazi
بكري|Bakri
حسون|Hassoun
عمري|Omari
خطاب|Khattab
حمدان|Hamdan
مقداد|Miqdad
سويدان|Suwaidan
ضاهر|Daher
طه|Taha
خضر|Khader
منصور|Mansour
حكيم|Hakim
قاضي|Qadi
حاج|Hajj
بركات|Barakat
سلامة|Salama
شهاب|Shihab
عواد|Awad
عودة|Odeh
غزال|Ghazal
قطان|Qattan
كيال|Kayyal
لحام|Lahham
نحاس|Nahhas
أبو|Abu
زيد|Zaid
بن|Bin
كنان|Kinan
مأمون|Maamoun
غزوان|Ghazwan
أدهم|Adham
فتحي|Fathi
إسحاق|Ishaq
سليم|Salim
شفيق|Shafiq
صادق|Sadiq
راغب|Ragheb
رجب|Rajab
رمضان|Ramadan
نجيب|Najib
حبيب|Habib
جودت|Jawdat
مولود|Mawloud
وحيد|Wahid
رضا|Rida
فاضل|Fadel
"""


_FOLD: dict[str, str | int | None] = {"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}


def _spelling(word: str) -> str:
    return word.translate(str.maketrans(_FOLD)).replace("ء", "")


def _table() -> tuple[dict[str, str], dict[str, str]]:
    to_latin: dict[str, str] = {}
    to_arabic: dict[str, str] = {}
    for line in _NAMES.strip().splitlines():
        arabic, latin = line.split("|")
        if " " in arabic:
            continue
        to_latin.setdefault(_spelling(arabic), latin)
        to_arabic.setdefault(latin.lower(), arabic)
    return to_latin, to_arabic


ARABIC_TO_LATIN, LATIN_TO_ARABIC = _table()
"""Arabic name word (hamza seats, ى and ة folded) → its usual English reading; and the reverse
(lower-case reading → the Arabic as usually written)."""

LATIN_WORDS = frozenset(LATIN_TO_ARABIC)
"""The readings, lower case: words never split or unglued (Alaa is not al + aa)."""

NAMES_WITH_AL = frozenset({"الهام", "الياس", "الفت", "الماس"})
"""Names whose first letters are ال without being the article (folded spelling)."""
