import { counted, splitWait, type Messages } from "./messages";

// Accusative after "через": 1 секунду, 2 секунды, 5 секунд.
function wait(seconds: number): string {
  const { unit, n } = splitWait(seconds);
  return unit === "s"
    ? counted("ru", n, { one: "секунду", few: "секунды", other: "секунд" })
    : counted("ru", n, { one: "минуту", few: "минуты", other: "минут" });
}

export const ru: Messages = {
  languageName: "Русский",
  language: "Язык",
  loading: "Загрузка…",

  loginTitle: "Вход в почту",
  loginLabel: "Логин",
  passwordLabel: "Пароль",
  submit: "Войти",
  submitting: "Вход…",
  missingCredentials: "Введите логин и пароль.",

  wrongCredentials: "Неверный логин или пароль.",
  throttled: (seconds) =>
    seconds === null
      ? "Слишком много неудачных попыток. Повторите позже."
      : `Слишком много неудачных попыток. Повторите через ${wait(seconds)}.`,
  serverUnavailable:
    "Почтовый сервер сейчас недоступен. Повторите через несколько минут.",
  network: "Нет связи с сервером. Проверьте подключение к сети и повторите.",
  serverError: (status) =>
    `Сервер не смог выполнить запрос (ошибка ${status}).`,
  invalidResponse:
    "Сервер прислал ответ, который приложение не может прочесть.",

  signedInAs: (username) => `Вы вошли как ${username}`,
  logOut: "Выйти",
  loggingOut: "Выход…",
  logoutFailed: (reason) => `Не удалось выйти. ${reason}`,
};
