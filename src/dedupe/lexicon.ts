// The cross-language lexicon of the clusterer: words that news in our languages uses for the same thing, mapped to
// one concept key, so that a Polish, Russian or Kyrgyz report and an English one share terms beyond names and numbers.
// Clustering-only (the topic rules keep their own terms in config/topics.yaml): domain words (migrants, refugees,
// borders, trafficking, deportation), the commonest words of event news (dead, boat, court, police, war, flood…),
// and the countries whose Polish forms the alias table does not know.
//
// Each entry: concept key, then forms in any of en pl ru uk kk ky uz tk tg (tr az where they differ). A form is a
// lower-case prefix: a word matches when it begins with the form and the rest is an ending (at most MAX_TAIL letters,
// fewer for short forms); a form ending in "=" matches only the whole word. The longest matching form wins.
// Keys starting "c:" are the alias table's country keys, so "Ukrainy" (pl) meets "Ukraine" (en, alias table).

const ENTRIES: [string, string][] = [
  // migration and its law
  [
    'migrant',
    'migrant immigrant emigrant мигрант иммигрант эмигрант мігрант іммігрант migrantlar мигранттар muhojir мухожир муҳоҷир göçmen göç= köçəri',
  ],
  [
    'refugee',
    'refugee uchodźc uchodźca беженц беженец біженц біженець босқын качкын qochqin bosgun гуреза mülteci qaçqın',
  ],
  ['migration', 'migration migracj миграц міграц migratsiya migrasiýa муҳоҷират göç= miqrasiya'],
  ['asylum', 'asylum azyl azylu убежищ притулк притулок баспана башпаана boshpana sığınma sığınacaq'],
  ['border', 'border granic granica граница границ кордон шекара чек= chegara serhet сарҳад sınır sərhəd'],
  ['deport', 'deport deportac депортац депортир депортув выдвор chiqarib deportasiýa депортатсия sınır_dışı'],
  ['visa', 'visa= visas= wiz wiza виз виза віз viza wizany раводид'],
  ['smuggl', 'smuggl przemyt przemytni контрабанд переправщик контрабандист kontrabanda qaçaqmalçı kaçakçı'],
  [
    'traffick',
    'trafficking trafficked traffickers handel_ludźmi торговл_людьми торгівл_людьми одам_savdosi adam_söwdasy одамфурӯш insan_ticaret',
  ],
  [
    'slavery',
    'slave slavery niewolnic niewolnik рабств раб= рабы рабов рабыня рабство құлдық кулчулук qullik gulçulyk ғуломӣ kölelik',
  ],
  [
    'worker',
    'worker workers pracownik pracowni robotnik работник рабочи рабочие працівник жұмысшы жумушчу ishchi işgär коргар işçi',
  ],
  ['labour', 'labour labor praca= pracy= труд= трудов праці еңбек эмгек mehnat zähmet меҳнат'],
  ['remittance', 'remittance денежн_перевод пул_аударым акча_которуу pul_o‘tkazma'],
  [
    'citizenship',
    'citizenship obywatelstw гражданств громадянств азаматтық жарандык fuqarolik raýatlyk шаҳрвандӣ vatandaşlık',
  ],
  ['passport', 'passport paszport паспорт pasport шиноснома pasaport'],
  ['camp', 'camp= camps= obóz obozie obozu лагер табор лагерь'],
  ['shelter', 'shelter schronisk schronieni приют укрыти притулку баспана'],
  // people
  [
    'child',
    'child children kid= kids= dzieci dziecko dziecka dzieck детей дети ребен ребён діти дітей дитин бала балдар bola bolalar çaga кӯдак çocuk uşaq',
  ],
  ['woman', 'woman women kobiet kobieta женщин жінк жінок әйел аял ayol aýal зан= kadın qadın'],
  [
    'family',
    "family families rodzin семь семей сім’ї сім'ї родин отбасы үй-бүлө oila maşgala оила aile ailə",
  ],
  [
    'police',
    'police policeman policj policjant полиц поліц полиция politsiya polisiýa милиц міліц milis politsiya',
  ],
  [
    'soldier',
    'soldier troops żołnierz wojsk солдат военны військов сарбаз аскер askar esger сарбоз asker əsgər',
  ],
  ['army', 'army military armia armii wojsko армия армии армі әскер армия armiya goşun артиш ordu'],
  [
    'president',
    'president prezydent президент президенти prezident президенти prezidenti cumhurbaşkan prezidenti',
  ],
  ['minister', 'minister ministr министр міністр вазир vazir ministri bakan nazir'],
  [
    'ministry',
    'ministry ministerstw министерств міністерств министрлі министрлиг vazirlik ministrligi вазорат bakanlık nazirlik',
  ],
  [
    'government',
    'government rząd= rządu rządem rządzie правительств уряд уряду үкімет өкмөт hukumat hökümet ҳукумат hükümet',
  ],
  ['parliament', 'parliament parlament sejm= sejmu парламент парламенту mejlis меҷлис meclis'],
  [
    'court',
    'court= courts= courtroom sąd= sądu sądzie sądowi суд= суда суде судом суду сот= сотта sud= kazyýet tribunal trybunał трибунал',
  ],
  ['judge', 'judge sędzi судья судьи суддя судя sudya kazy'],
  ['prison', "prison jail więzien więzie тюрьм тюрем в'язниц түрме түрмө qamoq türme зиндон hapis"],
  [
    'arrest',
    'arrest detain aresztow zatrzyma арест задержа задерж затрима ұста кармал hibsga tussag gözaltı',
  ],
  ['sentence', 'sentenced sentence skazan skazał wyrok приговор вирок үкім өкүм hukm höküm'],
  ['charge', 'charged charges oskarż обвин звинувач айыпта ayblan aýyplan'],
  [
    'investigation',
    'investigation investigat śledztw dochodzeni расследован расслідув тергеу тергөө tergov derňew',
  ],
  ['victim', 'victim ofiar жертв постраждал жертва құрбан курман qurbon pida қурбон kurban'],
  ['leader', 'leader przywódc lider лидер лідер көшбасшы лидер yetakchi lider'],
  ['pope', 'pope papież papieża папа= папы'],
  ['king', 'king= king’s król króla короля король корол'],
  ['queen', 'queen królow королев корол'],
  ['prince', 'prince= princes= książ принц'],
  // events
  [
    'dead',
    'dead= death deaths died= dies= dying= zginęł zginął zginęło zmarł śmier śmierć погиб погибл умер умерл смерт гибел загин помер загибел қаза өлді каза o‘ldi oldi halok öldi ҳалок фавт öldü ölüm',
  ],
  [
    'kill',
    'kill killed killing zabi zabił zabitych zabity zabójst убит убил убий убива вбив вбит вбивств өлтір өлтүр o‘ldir öldür кушт',
  ],
  [
    'wound',
    'wounded injured injur rann ranny rannych раненые ранен ранил поранен травм жарақат жаракат yarador ýaralan cароҳат yaralı',
  ],
  ['missing', 'missing zagin пропав пропал безвест зникл хабарсыз дайынсыз bedarak'],
  ['drown', 'drown utonął utonęł utonię утонул утонул утоп потону потопа cho‘k gark гарқ boğul'],
  [
    'boat',
    'boat boats dinghy łódź łodzi łódk łodzią ponton лодк лодок судн човн човен қайық кайык qayiq gaýyk заврақ tekne qayıq',
  ],
  ['ship', 'ship= ships= vessel statek statku okręt корабл судно корабел кеме кеме kema gämi киштӣ gemi'],
  [
    'plane',
    'plane= planes= aircraft airplane jet= samolot samolotu самолет самолёт літак ұшақ учак samolyot uçar ҳавопаймо uçak təyyarə',
  ],
  ['flight', 'flight flights lotu loty рейс рейсы рейсі рейс parvoz uçuş'],
  [
    'airport',
    'airport lotnisk lotnisku аэропорт аеропорт әуежай аэропорт aeroport howa_menzil фурудгоҳ havaliman hava_liman',
  ],
  ['bus', 'bus= buses bused bussed autobus автобус avtobus awtobus'],
  ['truck', 'truck lorry ciężarów грузовик фур вантажів жүк_машина yuk_mashina'],
  ['train', 'train= trains= pociąg pociągu поезд потяг пойыз поезд poyezd otly поезд tren qatar'],
  [
    'crash',
    'crash collision katastrof zderzen wypadek wypadku авари катастроф крушен зіткн аварі апат кырсык avariya heläkçilik',
  ],
  [
    'fire',
    'fire= fires= blaze wildfire pożar pożaru пожар пожеж өрт өрт yong‘in ýangyn сӯхтор yangın yanğın',
  ],
  [
    'flood',
    'flood flooding powódź powodzi powodz zalan наводнен паводк затопл повін тасқын суу_ташкыны toshqin suw_joşmasy обхезӣ sel= daşqın',
  ],
  [
    'earthquake',
    'earthquake quake trzęsieni wstrząs землетрясен землетрус жер_сілкін жер_титирөө zilzila ýer_titreme заминларза deprem zəlzələ',
  ],
  [
    'storm',
    'storm= storms= hurricane typhoon cyclone huragan burza tajfun sztorm ураган шторм буря тайфун буря дауыл бороон bo‘ron tupan тӯфон fırtına qasırğa',
  ],
  [
    'explosion',
    'explosion explosive blast bomb= bombs= bombing bomber eksploz wybuch bomb взрыв бомб вибух жарылыс жарылуу portlash partlama portlaýyş тарқиш patlama partlayış',
  ],
  [
    'shooting',
    'shooting gunman gunmen shot= shots= gunfire strzelanin strzał strzel стрельб стрелок стрілян стрілец атыс атышуу otishma atyşyk тирпарронӣ silahlı',
  ],
  ['attack', 'attack atak atakow атак нападен напад шабуыл кол_салуу hujum hüjüm ҳамла saldırı hücum'],
  ['missile', 'missile rocket rakiet pocisk ракет ракет зымыран ракета raketa raketa мушак füze raket'],
  ['drone', 'drone dron= drona drony дрон беспилотник безпілотник'],
  ['war', 'war= wars= wojn wojny wojna войн війн соғыс согуш urush uruş ҷанг savaş müharibə'],
  [
    'invasion',
    'invasion invade inwazj najazd вторжен вторгл вторгн вторгнен вторгнення басып_кіру басып_кирүү bosqin çozuş ҳуҷум işgal',
  ],
  ['ceasefire', 'ceasefire truce rozejm zawieszeni перемири прекращен_огня перемир'],
  ['sanction', 'sanction sankcj санкц санкци sanksiya sanksiýa таҳрим yaptırım'],
  [
    'election',
    'election elections vote= voters wybor wybory głosowan выбор голосован вибор голосуван сайлау шайлоо saylov saýlaw интихоб seçim',
  ],
  [
    'protest',
    'protest protesters demonstrat rally= manifestac protest протест демонстрац митинг мітинг наразылық нааразылык norozilik nägilelik эътироз eylem',
  ],
  ['strike-work', 'walkout strajk забастовк страйк ереуіл иш таштоо ish tashlash grev tətil'],
  [
    'resign',
    'resign resignation rezygn dymisj ustąpi отставк уход_в_отставку відставк отставка iste‘fo istifa',
  ],
  ['summit', 'summit szczyt= szczycie саммит саміт samit zirvə zirve'],
  [
    'talks',
    'talks negotiat rozmow negocjac переговор перемовин келіссөз сүйлөшүү muzokara gepleşik музокира müzakere danışık',
  ],
  [
    'agreement',
    'agreement deal= treaty porozumien umow соглашен договор угод келісім келишим kelishuv ylalaşyk созишнома anlaşma saziş',
  ],
  ['law', 'law= laws= ustaw prawo= закон закон= заң мыйзам qonun kanun конун yasa qanun'],
  ['ban', 'ban= bans= banned zakaz zakazu запрет заборон тыйым тыюу taqiq gadagan манъ yasak qadağa'],
  ['vaccine', 'vaccin szczepi szczepionk вакцин вакцина vaksina waksina ваксина aşı= peyvənd'],
  [
    'covid',
    'covid coronavirus pandemic koronawirus pandemi коронавирус пандеми коронавірус covid-19 koronavirus',
  ],
  [
    'hospital',
    'hospital szpital больниц госпитал лікарн аурухана оорукана kasalxona hassahana беморхона hastane xəstəxana',
  ],
  ['doctor', 'doctor physician lekarz lekarze врач лікар дәрігер доктор shifokor lukman духтур doktor həkim'],
  ['school', 'school szkoł szkol школ школ мектеп мектеп maktab mekdep мактаб okul məktəb'],
  ['student', 'student studentów студент студент talaba talyp донишҷӯ öğrenci tələbə'],
  [
    'university',
    'university uniwersytet uczelni университет університет университет universitet uniwersitet донишгоҳ üniversite universitet',
  ],
  [
    'scientist',
    'scientist researcher naukowc badacz учёны учены науковц ғалым окумуштуу olim alym олим bilim_insan alim',
  ],
  [
    'study',
    'study= studies research badani badań исследован дослідж зерттеу изилдөө tadqiqot barlag таҳқиқот araştırma tədqiqat',
  ],
  [
    'company',
    'company firm= firms= companies firma firmy spółk компани компані компания kompaniya kompaniýa ширкат şirket şirkət',
  ],
  ['market', 'market rynek rynku рынок рынк ринок нарық рынок bozor bazar бозор piyasa bazar'],
  [
    'price',
    'price prices ceny= cena= cen= cenach cenami цен= цены ціни баға баа narx baha нарх fiyat qiymət',
  ],
  [
    'inflation',
    'inflation inflacj инфляц інфляц инфляция inflyatsiya inflýasiýa таваррум enflasyon inflyasiya',
  ],
  ['gas', 'gas= gazu gaz= gazem газ газа газу газом tabiiy_gaz'],
  ['oil', 'oil= ropy ropa= нефт нафт мұнай мунай neft nebit нафт petrol'],
  ['energy', 'energy energi энерг енерг энергия energiya energiýa энергия enerji enerji'],
  [
    'economy',
    'economy economic gospodar ekonomi экономик економік экономика iqtisod ykdysadyýet иқтисод ekonomi iqtisadiyyat',
  ],
  ['tax', 'tax= taxes podat налог подат салық салык soliq salgyt андоз vergi'],
  ['bank', 'bank= banks banku banki банк банка банки bank= banka'],
  ['money', 'money pieniądz pieniędz деньг гроші ақша акча pul= пул para= pul='],
  ['million', 'million milion mln= миллион мільйон млн= million millon миллион milyon'],
  ['billion', 'billion miliard mld= миллиард мільярд млрд milliard milýard миллиард milyar milyard'],
  ['football', 'football soccer piłk piłka piłkarsk футбол football futbol'],
  ['world_cup', 'world_cup mundial mistrzostw_świata чемпионат_мира чемпіонат_світу'],
  ['match', 'match= mecz= meczu матч матча'],
  ['game', 'game= games= gra= gry= игра игры гра гри'],
  ['film', 'film= movie filmu фильм фільм kino= кино'],
  ['music', 'music muzyk музык музик'],
  ['song', 'song= songs= piosenk песн пісн'],
  ['album', 'album albumu альбом'],
  ['concert', 'concert koncert концерт'],
  ['phone', 'phone iphone smartphone telefon smartfon телефон смартфон'],
  ['weather', 'weather pogod погод погода ауа_райы аба_ырайы ob-havo howa_maglumaty обу_ҳаво hava_durumu'],
  ['heat', 'heatwave heat= upał upału жара спека аптап ысык jazirama yssy гармӣ sıcak'],
  ['snow', 'snow śnieg śniegu снег сніг қар кар qor gar барф kar= qar='],
  ['water', 'water woda wody wodę вода воды води су= суу suv suw об= su='],
  [
    'food',
    'food żywnoś jedzen продовольств продукт питани їжа азық-түлік азык-түлүк oziq-ovqat azyk-önüm озуқа gıda ərzaq',
  ],
  ['grain', 'grain wheat zboż pszenic зерн пшениц зерно астық дан bug‘doy galla ғалла tahıl taxıl'],
  ['nuclear', 'nuclear atomow jądrow ядерн атомн ядер ядролық өзөктүк yadro ýadro ядроӣ nükleer nüvə'],
  ['power_plant', 'power_plant elektrown электростанц електростанц'],
  ['climate', 'climate klimat климат клімат климат iqlim howa klimaty иқлим iklim iqlim'],
  ['capital', 'capital stolic столиц столиц астана борбор poytaxt paýtagt пойтахт başkent paytaxt'],
  ['city', 'city= cities miasto miasta mieście город міст місто қала шаар shahar şäher шаҳр şehir şəhər'],
  ['village', 'village wieś wsi= wioska село деревн село ауыл айыл qishloq oba деҳа köy kənd'],
  [
    'region',
    'region regionu obwód obwodzie област облас район облыс облусу viloyat welaýat вилоят bölge rayon',
  ],
  // common words of event news, so that a Polish or Russian report meets an English one beyond names
  ['announce', 'announce announcement ogłosi ogłasza ogłosił ogłoszeni объяв объявил оголос'],
  ['meeting', 'meeting meets= spotkani spotkał spotka встреч зустріч'],
  ['visit', 'visit visits visited wizyt odwiedz odwiedzi визит візит'],
  ['funeral', 'funeral pogrzeb pogrzebu похорон'],
  ['coffin', 'coffin trumn гроб труна труну'],
  ['queue', 'queue queues queuing kolejk очеред черг'],
  ['hack', 'hack hacked hacker hackers hakerz haker hakersk zhakow хакер взлом зламан'],
  ['cyber', 'cyberattack cybersecurity cyberatak cyberbezpiecz кибератак кибербезопасн кібератак'],
  [
    'building',
    'building skyscraper tower= wieżowiec wieżowc budynek budynk небоскр здание здани будинок будівл',
  ],
  ['grave', 'grave= graves burial grób= grobów grobu groby mogił могил поховань'],
  ['body', 'body= bodies ciało ciała ciał zwłok тело тела тел= тіла'],
  ['torture', 'torture tortured tortur пыт= пытк катуван'],
  ['teen', 'teen= teens= teenager teenage nastolat nastolet подрост підліт'],
  ['prosecutor', 'prosecutor prosecutors prokurat prokurator прокурор прокуратур'],
  ['stab', 'stab stabbed stabbing nożown dźgn ножев ножом поранен_ножом'],
  ['rescue', 'rescue rescued rescuers ratowni ratunk uratow спасат спасл спасен рятувальн'],
  ['evacuate', 'evacuate evacuated evacuation ewakuac ewakuow эвакуац эвакуир евакуац'],
  ['offensive', 'offensive counteroffensive counter-offensive ofensyw kontrofensyw наступлен контрнаступ'],
  ['weapon', 'weapon weapons arms= broń broni uzbrojen оружи зброя зброї'],
  ['tank', 'tank= tanks= czołg танк танки'],
  ['coal', 'coal węgiel węgla уголь угля вугілля'],
  [
    'electricity',
    'electricity blackout prąd= prądu energii_elektrycznej электроэнерг электричеств электроснабжен електроенерг',
  ],
  ['record', 'record= records= rekord rekordow рекорд'],
  ['drought', 'drought droughts susz suszy suszą засух посух'],
  ['spy', 'spy= spies= spying szpieg szpiegostw шпион шпигун'],
  [
    'apology',
    'apology apologise apologize apologised apologized przeprosin przeprasza przeprosił извин извинен вибач',
  ],
  ['dollar', 'dollar dollars dolar dolarów dolarach доллар долар'],
  ['percent', 'percent per_cent procent procentow процент відсот'],
  ['girl', 'girl girls dziewczyn dziewczynk девочк девушк дівчин'],
  ['boy', 'boy= boys= chłopiec chłopca chłopc мальчик хлопчик'],
  ['mother', 'mother mothers matka matki matką мать матери мама матір'],
  ['father', 'father fathers ojciec ojca отец отца батько'],
  ['baby', 'baby= babies niemowl noworod младен новорожд немовл'],
  ['dog', 'dog= dogs= pies= psa= psy= собак собака пес= собаки'],
  ['teacher', 'teacher teachers nauczyciel учител вчител'],
  ['church', 'church churches kości kościoł kościel церк храм'],
  ['mayor', 'mayor burmistrz мэр= мэра мэром мер= мера'],
  ['governor', 'governor governors gubernator губернатор'],
  ['employee', 'employee employees staff= zatrudnion сотрудник співробітник'],
  ['layoff', 'layoff layoffs laid_off zwolni zwolnień увольн сокращен звільн'],
  ['space', 'space= spacecraft kosmos kosmiczn космос космич космічн'],
  ['strike-air', 'airstrike airstrikes nalot nalotu авиаудар удар= авіаудар'],
  ['shelling', 'shelling shelled ostrzał ostrzel обстрел обстріл'],
  ['hostage', 'hostage hostages zakładni заложник заручник'],
  ['prisoner', 'prisoner prisoners jeniec jeńc więźni пленн узник полонен вязн'],
  ['exchange', 'exchange swap= wymian обмен обмін'],
  ['accident', 'accident accidents wypadek wypadku wypadki авари происшеств аварі'],
  ['injured-many', 'casualties poszkodowan пострадавш постраждал'],
  ['aid', 'aid= humanitarian pomoc= pomocy humanitarn помощ гуманитарн допомог гуманітарн'],
  ['ruling', 'ruling rules= ruled orzecz orzekł orzeczeni постановил постанов ухвал'],
  ['lawful', 'lawful unlawful legal= illegal= legaln nielegaln zgodn законн незаконн'],
  ['turbulence', 'turbulence turbulencj турбулентн'],
  ['skyscraper-fire', 'blaze= spłonął spłonęł сгорел згорі'],
  // countries the alias table does not know in Polish or at all
  ['c:ua', 'ukrain ukraińsk ukrainie ukrainy ukrainę украин україн'],
  [
    'c:ru',
    'russia russian rosj rosyjsk rosjan rosji росси российск россия росія російськ ресей орусия rossiya russiýa русия rusya rusiya',
  ],
  ['c:pl', 'poland polish polsk polsce polski польш польск польщ польськ польша polsha polşa полша polonya'],
  [
    'c:us',
    'american americans amerykańsk ameryk stany_zjednoczone сша америк американск америк америка amerika amerikan abd=',
  ],
  ['c:gb', 'british brytyjsk brytani wielka_brytania британ британск англи'],
  ['c:de', 'german germans niemiec niemiecki niemcy niemczech немец немецк германи німеч німец'],
  [
    'c:cn',
    'china chinese chiny chinach chińsk китай китая китае китайск китаї китайськ қытай кытай xitoy hytaý хитой çin= çin',
  ],
  ['c:fr', 'france french francj francus франци франц француз франція французьк'],
  ['c:by', 'belarus belarusian białoruś białorus беларус белорус білорус'],
  ['c:it', 'italy italian włoch włosk итали італі итальянск'],
  ['c:es', 'spain spanish hiszpan испани іспані'],
  ['c:tr', 'turkey= turkish turcj tureck турци турец туреч'],
  ['c:ir', 'iran iranian iranu irańsk иран іран'],
  ['c:il', 'israel israeli izrael izraelsk израил ізраїл'],
  ['c:qa', 'qatar katar катар'],
  ['c:mx', 'mexico mexican meksyk meksykańsk мексик'],
  ['c:rw', 'rwanda rwandzie rwandy руанд'],
  ['c:jp', 'japan japanese japoni japońsk япони япон'],
  ['c:kr-n', 'north_korea korea_północna korei_północnej кндр северная_корея'],
  ['c:eu', 'european_union unii_europejskiej unia_europejska евросоюз европейск союз євросоюз ue= eu='],
  ['c:europe', 'europe europejsk europ европ європ'],
  [
    'c:af',
    'afghanistan afgan afganistan афганистан афган афганістан ауғанстан ооганстан afg‘oniston owganystan афғонистон afganistan əfqanıstan',
  ],
  ['c:sy', 'syria syrian syri syryjsk сири сирий сирія'],
];

const MAX_TAIL = 5;

interface Form {
  form: string;
  concept: string;
  exact: boolean;
}

const INDEX = new Map<string, Form[]>();
for (const [concept, forms] of ENTRIES) {
  for (const raw of forms.split(/\s+/)) {
    // Phrases (words joined by "_") are not matched word by word: "handel" alone is trade, not trafficking.
    if (raw === '' || raw.includes('_')) continue;
    const exact = raw.endsWith('=');
    const form = (exact ? raw.slice(0, -1) : raw)
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[’ʻʼ‘`]/g, "'");
    const head = form.slice(0, 3);
    const list = INDEX.get(head);
    const entry = { form, concept, exact };
    if (list) list.push(entry);
    else INDEX.set(head, [entry]);
  }
}
for (const list of INDEX.values()) list.sort((a, b) => b.form.length - a.form.length);

/** The concept a lower-case word stands for, if the lexicon knows it. */
export function lookupConcept(word: string, _language?: string): string | undefined {
  const list = INDEX.get(word.slice(0, 3));
  if (!list) return undefined;
  for (const { form, concept, exact } of list) {
    if (exact) {
      if (word === form) return concept;
      continue;
    }
    if (!word.startsWith(form)) continue;
    const tail = word.length - form.length;
    const allowed = form.length <= 3 ? 0 : form.length <= 4 ? 2 : MAX_TAIL;
    if (tail <= allowed) return concept;
  }
  return undefined;
}

/** Number of concepts (for the README and tests). */
export const LEXICON_SIZE = ENTRIES.length;
