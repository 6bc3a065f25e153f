// Function words of the seven languages (en ru tk uz kk ky tg): words that say nothing about what a text is about.
// Folded and unfolded spellings are both listed where they differ, so the set serves raw lower-case words (dedupe)
// and folded words (normalize.ts) alike.
export const STOPWORDS = new Set(
  (
    'a an the and or but of in on at to for from by with without about as into over after before under between during ' +
    'is are was were be been being has have had do does did will would shall should can could may might must this that ' +
    'these those it its he she they we you i his her their our your them him us not no also than then there here which ' +
    'who whom whose what when where why how all any each more most other some such only own same so too very just one ' +
    'two three said says say according new year years day days week month people including while against within ' +
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня ' +
    'еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там ' +
    'потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже ' +
    'себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее ' +
    'сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про ' +
    'всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им ' +
    'более всегда конечно всю между это также года году год время которые который которая которых также заявил ' +
    'сообщает сообщил сообщили отметил говорится ва билан учун бу ҳам бўйича va bilan uchun bu ham bo‘yicha boʻyicha ' +
    'жана менен үчүн бул да мен деп жылы және үшін бұл мен деп жылы бо ки дар аз ба ва барои ин ҳам we bilen üçin bu ' +
    'hem boýunça ýyl ýylyň yil yilda жыл жылы сол'
  ).split(/\s+/),
);
