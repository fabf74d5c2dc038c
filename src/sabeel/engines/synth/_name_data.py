"""Arabic names with relative frequencies and their Latin spellings, as plain data.

Rows are ``arabic|latin variants|weight|tags``. The first Latin variant is the most common spelling.
A variant list starting with ``@`` is the stem of an ``عبد`` compound (Abdulrahman, Abd al-Rahman,
Abdel Rahman …); one starting with ``^`` is a family name with the article ``ال`` (Al-Zoubi, Al Zoubi,
Alzoubi, El-Zoubi, Zoubi …). Tags: ``o`` a name of older generations, ``y`` of the young, ``SYnn:k``
a family name k times more frequent among families from that governorate. Weights are relative
frequencies written from general knowledge of Syrian naming (approximate; محمد is by far
the most common male name, about one man in ten).
"""

from __future__ import annotations

MALE = """
محمد|Mohammed,Mohammad,Mohamad,Muhammad,Mohamed,Muhammed,Mhd|1000|
أحمد|Ahmad,Ahmed,Ahmmad,Ahmet|450|
محمود|Mahmoud,Mahmud,Mahmood,Mahmod|260|
علي|Ali,Aly,Alie|240|
عبد الله|Abdullah,Abdallah,Abd Allah,Abdulla,Abdellah|230|
خالد|Khaled,Khalid,Khaleed|220|
عمر|Omar,Umar,Omer|220|
يوسف|Youssef,Yousef,Yusuf,Yousif,Yusef|190|
عبد الرحمن|@Rahman|190|
حسن|Hasan,Hassan,Hassen|180|
إبراهيم|Ibrahim,Ebrahim,Ibraheem,Ibrahem|180|
مصطفى|Mustafa,Mostafa,Moustafa,Mustapha|180|
حسين|Hussein,Hussain,Husain,Houssein,Hussien|160|
صالح|Saleh,Salih,Saleih|90|
وليد|Walid,Waleed,Oualid|90|
ياسر|Yaser,Yasser,Yassir,Yasir|80|
إسماعيل|Ismail,Ismael,Esmail,Ismaeel|80|
سليمان|Suleiman,Sulaiman,Soliman,Sleiman,Sulayman|80|
حمزة|Hamza,Hamzah,Hamzeh|80|y
عبد القادر|@Qader,Qadir,Kader|75|o
خليل|Khalil,Khaleel|70|
يحيى|Yahya,Yehia,Yahia,Yehya|70|
موسى|Moussa,Musa,Mousa,Mussa|70|
عثمان|Othman,Osman,Uthman,Outhman|70|
جاسم|Jasem,Jassim,Jasim,Jassem|70|
سعيد|Said,Saeed,Saied,Sa'id|70|
عبد الكريم|@Karim,Kareem|60|
عيسى|Issa,Eissa,Isa,Esa|60|
عماد|Imad,Emad,Imaad|60|o
جمال|Jamal,Gamal,Jamaal|60|o
عادل|Adel,Adil,Aadel|60|o
أنس|Anas,Enas|60|y
أسامة|Osama,Usama,Oussama,Usamah|60|
طارق|Tarek,Tariq,Tareq,Tarik|60|
بلال|Bilal,Belal|60|
علاء|Alaa,Ala'a,Ala|60|
عمار|Ammar,Amar,Ammaar|60|
قاسم|Qasem,Kassem,Qassim,Kasem,Qasim|60|
عبد العزيز|@Aziz,Azeez|55|
عبد الحميد|@Hamid,Hameed|50|o
عبد اللطيف|@Latif,Lateef|45|o
عبد الرزاق|@Razzaq,Razak,Razzak|45|o
عبد السلام|@Salam|45|
عبد الناصر|@Nasser,Naser|40|o
عبد الغني|@Ghani,Ghany|30|o
عبد المجيد|@Majid,Majeed|30|o
عبد الجليل|@Jalil,Jaleel|25|o
عبد الحليم|@Halim,Haleem|30|o
عبد الهادي|@Hadi|30|
عبد الباسط|@Baset,Basit|30|
عبد الوهاب|@Wahab,Wahhab|30|
عبد الرحيم|@Rahim,Raheem|30|
عبد الفتاح|@Fattah,Fatah|25|o
عبد المنعم|@Monem,Munim,Mun'im|20|o
عبد الستار|@Sattar,Satar|20|o
عبد الجبار|@Jabbar,Jabar|15|o
زياد|Ziad,Ziyad,Zyad|50|
زكريا|Zakaria,Zakariya,Zakariyya,Zakarya|50|
يونس|Younes,Yunus,Younis,Yunes|50|
عدنان|Adnan,Adnaan|50|o
سمير|Samir,Sameer,Semir|50|o
فادي|Fadi,Fady,Fadee|50|
ماهر|Maher,Mahir|50|
باسل|Basel,Basil,Bassel|50|
حسام|Hussam,Hossam,Husam|50|
رائد|Raed,Raid,Ra'ed|50|
عامر|Amer,Aamer|50|
ناصر|Nasser,Naser,Nacer|50|
وائل|Wael,Wa'el,Wail|50|
ياسين|Yassin,Yasin,Yaseen,Yassine|50|y
رامي|Rami,Ramy|45|
هيثم|Haitham,Haytham,Heitham|45|
هشام|Hisham,Hicham,Hesham|45|
مهند|Mohannad,Muhannad,Mouhanad|45|y
معاذ|Moaz,Muath,Muaz,Mouaz|45|y
مروان|Marwan,Merwan|45|
إياد|Iyad,Eyad|40|
كمال|Kamal,Kamaal|40|o
فيصل|Faisal,Faysal,Feisal|40|
سامر|Samer|40|
سامي|Sami,Samy|40|
جميل|Jamil,Jameel,Gamil|40|o
نبيل|Nabil,Nabeel|40|o
صلاح|Salah,Salaheddin|40|o
فراس|Firas,Feras|40|
آدم|Adam|40|y
مازن|Mazen,Mazin|40|
جهاد|Jihad,Jehad|40|
حازم|Hazem,Hazim|40|
رضوان|Radwan,Redwan,Ridwan|40|
سعد|Saad,Sa'ad|40|
غسان|Ghassan,Ghasan|40|o
فارس|Fares,Faris|40|
ماجد|Majed,Majid,Maged|40|
عصام|Issam,Essam,Isam|40|o
سالم|Salem,Saalem|40|
يزن|Yazan,Yezan|40|y
ليث|Laith,Layth,Leith|40|y
عبادة|Obada,Ubada,Oubada,Obadah|40|y
براء|Baraa,Bara'a,Bara|40|y
كريم|Karim,Kareem|40|y
هاني|Hani,Hany|35|
وسيم|Wasim,Waseem,Ouassim|35|
بشار|Bashar,Bachar|35|
قصي|Qusai,Kusai,Qussay,Kossay|35|
معتز|Moataz,Mutaz,Muataz,Moutaz|35|y
مصعب|Musab,Mosaab,Mus'ab,Mousab|35|y
شادي|Shadi,Chadi,Shady|30|
هادي|Hadi,Hady|30|
حميد|Hamid,Hameed,Humaid|30|
حامد|Hamed,Hamid|30|o
نزار|Nizar,Nezar|30|o
منير|Mounir,Munir,Moneer|30|o
فؤاد|Fouad,Fuad,Foad|30|o
مراد|Murad,Mourad,Morad|30|
سلطان|Sultan,Soultan|30|
طلال|Talal,Tallal|30|
أمير|Amir,Ameer|30|y
عمرو|Amr,Amro,Amrou|30|
مالك|Malek,Malik|30|
مؤمن|Moamen,Mumen,Mu'min,Moemen|30|y
نادر|Nader,Nadir|30|
نور الدين|Nour Aldin,Nureddin,Noureddine,Nour al-Din|30|
أيوب|Ayoub,Ayyub,Ayub|30|
بكر|Bakr,Baker,Bakir|30|
رشيد|Rashid,Rachid,Rasheed|30|o
زهير|Zuhair,Zouheir,Zoheir|30|o
سليم|Salim,Saleem,Selim|30|
فايز|Fayez,Faiz,Fayiz|30|o
فهد|Fahad,Fahd|30|
لؤي|Louai,Luay,Loay,Lu'ay|30|
نضال|Nidal,Nedal|30|
يعقوب|Yacoub,Yaqub,Yaakoub,Yakoub|30|
أيهم|Ayham,Aiham,Eyham|30|y
مجد|Majd,Magd|30|y
حذيفة|Huthaifa,Hudhaifa,Huzaifa,Houzaifa|30|y
داود|Dawood,Daoud,Dawud|30|
تيم|Taim,Taym,Tayem|25|y
فواز|Fawaz,Fawwaz|25|
نايف|Nayef,Naif|25|
يامن|Yamen,Yamin|25|y
شريف|Sharif,Sherif,Shareef|25|
أنور|Anwar,Anouar|20|o
جعفر|Jafar,Ja'far,Jaafar|20|
دياب|Diab,Dyab,Diyab|20|
رضا|Rida,Reda,Ridha|20|
شاكر|Shaker,Chaker,Shakir|20|o
صبحي|Subhi,Sobhi,Sobhy|20|o
ضياء|Diaa,Dia'a,Diya|20|
عوض|Awad,Aouad|20|o
عيد|Eid,Aid|20|
غازي|Ghazi,Ghazy|20|o
منذر|Munther,Monzer,Mundhir|20|
همام|Humam,Hammam,Houmam|20|y
محي الدين|Mohieddin,Muhyiddin,Mohi Aldin|15|o
راكان|Rakan|15|y
إلياس|Elias,Ilyas,Elyas|15|
نوح|Nouh,Nuh|10|
آزاد|Azad|10|
جورج|George,Georges|8|
ميشيل|Michel,Michael|6|
"""

FEMALE = """
فاطمة|Fatima,Fatma,Fatmeh,Fatimah,Fatme|400|o
مريم|Maryam,Mariam,Mariem,Meryem|220|
خديجة|Khadija,Khadijah,Khadeeja,Khadije|180|o
نور|Nour,Noor,Nur|170|y
عائشة|Aisha,Aicha,Aysha,Aysheh|150|o
آمنة|Amina,Amna,Aminah,Amneh|140|o
زينب|Zainab,Zeinab,Zaynab,Zenab|140|
سارة|Sara,Sarah,Sarra|110|y
هبة|Heba,Hiba,Hibah|90|
رهف|Rahaf|80|y
آية|Aya,Ayah,Aia|80|y
إيمان|Iman,Eman,Imane|70|
جنى|Jana,Janna|70|y
أسماء|Asmaa,Asma,Asma'a|70|
شهد|Shahd,Shahed|60|y
جود|Joud,Jood,Jud|60|y
ملك|Malak,Malek|60|y
سلمى|Salma,Selma,Salmah|60|
روان|Rawan,Rouan|60|y
دعاء|Doaa,Du'aa,Doa'a,Duaa|60|
إسراء|Israa,Esraa,Isra,Esra'a|60|
حنان|Hanan,Hanane|60|o
هدى|Huda,Houda,Hoda|60|o
أمل|Amal,Amel|60|o
مروة|Marwa,Marwah,Merwa|60|
رغد|Raghad|50|y
هالة|Hala,Halah|40|
ليلى|Layla,Leila,Laila,Leyla|50|
منى|Mona,Muna,Mouna|50|o
وفاء|Wafaa,Wafa,Wafa'a|50|o
ريم|Reem,Rim|50|
ياسمين|Yasmin,Yasmine,Yasmeen|50|y
آلاء|Alaa,Ala'a|40|
بشرى|Bushra,Bouchra,Boshra|40|
بتول|Batoul,Batool,Batul|40|y
سعاد|Souad,Suad,Soad|40|o
سميرة|Samira,Sameera,Samera|40|o
صفاء|Safaa,Safa,Safa'a|40|
رنا|Rana|40|
رشا|Rasha,Racha|40|
رانيا|Rania,Ranya,Raniya|40|
لمى|Lama|40|y
مها|Maha|40|
منال|Manal|40|o
نسرين|Nisreen,Nesrine,Nisrin|40|
هند|Hind,Hend|40|
زهراء|Zahraa,Zahra,Zohra|40|
فرح|Farah|40|y
صباح|Sabah|40|o
عبير|Abeer,Abir|40|
تسنيم|Tasneem,Tasnim|40|y
رزان|Razan|40|y
شيماء|Shaimaa,Shaima,Chaimaa|40|
رقية|Ruqaya,Roqaya,Rukaya,Ruqayya|40|
سمية|Sumaya,Somaya,Soumaya,Sumayya|40|
نورة|Noura,Nora,Noora|40|
سهام|Siham,Seham|30|o
سوسن|Sawsan,Sausan|30|o
ريما|Rima,Reema|30|
لينا|Lina,Leena|30|
نادية|Nadia,Nadiya|30|o
نوال|Nawal|30|o
يسرى|Yusra,Yousra,Yosra|30|
غادة|Ghada|30|o
نجاح|Najah,Nagah|30|o
نهى|Noha,Nuha,Nouha|30|
سماح|Samah|30|
سمر|Samar|30|
سحر|Sahar|30|
غفران|Ghufran,Ghofran|30|y
كوثر|Kawthar,Kawsar,Kaouthar|30|
لبنى|Lubna,Loubna|30|
ميساء|Maysaa,Maisa,Mayssa|30|
نغم|Nagham,Nagam|30|y
وعد|Waad,Wa'd|30|y
رؤى|Roaa,Ruaa,Ru'a|30|y
جميلة|Jamila,Jameela,Gamila|30|o
خلود|Kholoud,Khulud,Kholood|30|
حلا|Hala,Halla|30|y
لجين|Lujain,Lojain,Loujain|30|y
سدرة|Sidra,Sedra|30|y
ابتسام|Ibtisam,Ebtisam,Ibtissam|30|o
حليمة|Halima,Haleema|30|o
رحمة|Rahma,Rahmeh|30|y
بيان|Bayan|30|y
شام|Sham,Cham|25|y
انتصار|Intisar,Entesar,Intissar|25|o
رحاب|Rehab,Rihab|25|
هيفاء|Haifa,Hayfa,Haifaa|25|
ميار|Mayar|25|y
ديما|Dima,Deema|25|
ريهام|Riham,Reham|25|
نجلاء|Najlaa,Najla|20|o
وداد|Widad,Wedad|20|o
عفاف|Afaf|20|o
هيام|Hiyam,Hyam|20|o
حياة|Hayat,Hayet|20|o
صفية|Safiya,Safia,Safiyya|20|o
عزيزة|Aziza,Azizeh|20|o
دلال|Dalal|20|o
منيرة|Munira,Mounira|20|o
لمار|Lamar|20|y
وردة|Warda,Wardeh|15|o
روجين|Rojin,Rojeen|10|
ماري|Mary,Marie|5|
"""

FAMILY = """
الزعبي|^Zoubi,Zu'bi,Zubi,Zoabi|60|SY12:20
الأحمد|^Ahmad,Ahmed|70|
المحمد|^Mohammad,Mohamad,Mohammed|70|
العلي|^Ali|60|
الخطيب|^Khatib,Khateeb,Khateb|60|
الحسين|^Hussein,Hussain,Husein|55|
الحسن|^Hasan,Hassan|50|
الحريري|^Hariri,Hariry|45|SY12:15
العبدالله|^Abdullah,Abdallah|45|
الحلبي|^Halabi,Halaby|40|SY02:3
الشيخ|^Sheikh,Shaikh,Cheikh,Shaykh|40|
المحمود|^Mahmoud,Mahmud|40|
الحمصي|^Homsi,Hemsi,Humsi|35|SY04:4
الحموي|^Hamwi,Hamwy,Hamawi|35|SY05:4
الرفاعي|^Rifai,Refai,Rifa'i|35|SY12:5,SY04:2
الخليل|^Khalil,Khaleel|35|
الإبراهيم|^Ibrahim,Ebrahim|35|
الصالح|^Saleh,Salih|35|
العمر|^Omar,Omer|35|
الموسى|^Moussa,Mousa,Musa|35|
اليوسف|^Youssef,Yousef,Yusuf|35|
الجاسم|^Jasem,Jassim,Jasim|35|SY09:3,SY11:3,SY08:2
الحمود|^Hammoud,Hamoud,Hamood|35|
الشامي|^Shami,Chami|30|SY01:3,SY03:2
المسالمة|^Masalmeh,Masalma,Msalmeh|30|SY12:20
العثمان|^Othman,Osman|30|
العيسى|^Issa,Eissa|30|
النجار|^Najjar,Najar|30|
الدرويش|^Darwish,Darwich,Derwish|30|
الخلف|^Khalaf|30|SY09:4,SY11:4
العبيد|^Obeid,Ubaid,Obaid|30|SY09:3,SY11:3
العبود|^Aboud,Abboud,Abbood|30|
الحمد|^Hamad,Hamed|30|
العبد|^Abed,Abd|30|
السيد|^Sayed,Sayyed|30|
الحاج|^Hajj,Haj,Hadj|30|
المقداد|^Miqdad,Mekdad,Meqdad,Mikdad|25|SY12:15
المحاميد|^Mahamid,Mahameed|25|SY12:15
الحوراني|^Hourani,Horani,Hawrani|25|SY12:8
الحداد|^Haddad,Hadad|25|
الناصر|^Nasser,Naser|25|
القاسم|^Qasem,Kassem,Qassim|25|
الكردي|^Kurdi,Kourdi|25|SY08:3,SY02:2
المصري|^Masri,Misri|25|
الخالد|^Khaled,Khalid|25|
السليمان|^Suleiman,Sulaiman,Sleiman|25|
الإسماعيل|^Ismail,Ismael|25|
الجمعة|^Jumaa,Joumaa,Jomaa|25|
حمدان|Hamdan|25|
الإدلبي|^Idlebi,Edlebi,Idlibi|20|SY07:5
أبازيد|Abazeed,Abazid,Aba Zaid,Abazaid|20|SY12:20
الصباغ|^Sabbagh,Sabagh,Sabbag|20|
العطار|^Attar,Atar|20|
الطويل|^Tawil,Taweel|20|
العمري|^Omari,Omary|20|
الشريف|^Sharif,Sherif|20|
الأسعد|^Asaad,As'ad,Assad|20|
الحاج علي|^Haj Ali,Hajj Ali|20|
حجازي|Hijazi,Hejazi,Hegazi|20|
جابر|Jaber,Jabir|20|
بركات|Barakat|20|
شحادة|Shehadeh,Chehade,Shehada,Shihadeh|20|
عيسى|Issa,Eissa|20|
زيدان|Zeidan,Zidan,Zaydan|20|
سلامة|Salameh,Salama,Salamah|20|
حمادة|Hamadeh,Hamada,Hamadah|20|
خليفة|Khalifa,Khalifeh|20|
عواد|Awad,Awwad,Aouad|20|
مصطفى|Mustafa,Moustafa|20|
الديري|^Deiri,Dairi,Dayri|15|SY09:5
الجباوي|^Jabawi,Jbawi|15|SY12:10
الشعار|^Shaar,Sha'ar,Chaar|15|
الجبوري|^Jabouri,Jubouri,Jbouri|15|SY08:5,SY09:3
السباعي|^Sibai,Sebai,Siba'i|15|SY04:6
البيطار|^Bitar,Baytar,Beitar|15|
القادري|^Qadri,Kadri|15|
الأسود|^Aswad|15|
الحمادي|^Hammadi,Hamadi|15|SY05:3
الحسيني|^Husseini,Hosseini|15|
البكري|^Bakri,Bekri|15|
العساف|^Assaf,Asaf|15|
الضاهر|^Daher,Dhaher|15|
الحلاق|^Hallak,Hallaq|15|
الخضر|^Khodr,Khidr,Khader|15|
الراشد|^Rashed,Rashid|15|
الطه|^Taha|15|
الفارس|^Fares,Faris|15|
الملا|^Mulla,Molla,Mullah|15|SY08:2
السعيد|^Saeed,Said|15|
كنعان|Kanaan,Kana'an|15|
بكار|Bakkar,Bakar|15|
ديب|Deeb,Dib|15|
مرعي|Mari,Marei,Mar'i|15|
نصر|Nasr,Naser|15|
شاهين|Shahin,Chahine,Shaheen|15|
دياب|Diab,Dyab|15|
حسون|Hassoun,Hasoun|15|
حمو|Hammo,Hamo|15|SY02:2
أبو زيد|Abu Zaid,Abou Zeid,Abuzaid|15|
الدروبي|^Droubi,Drubi|12|SY04:8
الأيوبي|^Ayoubi,Ayyubi|12|
الخالدي|^Khalidi,Khaldi|12|
الشمري|^Shammari,Shamari|10|SY08:6
الأتاسي|^Atassi,Atasi|10|SY04:8
النعسان|^Naasan,Na'san|10|SY05:3
العلوان|^Alwan,Aloan|10|
الكيلاني|^Kilani,Keilani,Gilani|10|SY05:3
الدباغ|^Dabbagh,Dabagh|10|
السقا|^Saqqa,Sakka,Saqa|10|
العبيدي|^Obaidi,Ubaidi|10|
قباني|Qabbani,Kabbani,Qabani|10|
زين|Zein,Zain|10|
سكر|Sukkar,Soukar,Sukar|10|
عكاد|Akkad,Akad|10|
كيالي|Kayyali,Kayali|10|
مارديني|Mardini|10|
قطان|Kattan,Qattan|10|
بدوي|Badawi,Bedawi|10|
هلال|Hilal,Helal|10|
أبو عمر|Abu Omar,Abou Omar|10|
الجندلي|^Jandali|8|SY04:8
الزهراوي|^Zahrawi|8|SY04:8
البرازي|^Barazi|8|SY05:5
الموصلي|^Mousalli,Mosuli|8|
"""
