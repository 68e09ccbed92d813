/*
 * The demo page of django-coursehub: a small frontend that uses only the public REST API.
 *
 * No framework and no build step, so the page can be read as an example of what a client has
 * to do: send a Bearer token, refresh it once when it expires, send Accept-Language, and show
 * the API's `detail` messages. Tokens live in this script's memory only (a page reload logs
 * the user out); nothing is written to localStorage, where any injected script could read it.
 */
"use strict";

(() => {
  // ---------------------------------------------------------------------------------------
  // Strings. Uzbek is Latin script with ʻ (U+02BB) in oʻ/gʻ and ʼ (U+02BC) for the tutuq belgisi.

  const STRINGS = {
    en: {
      skip: "Skip to content",
      intro: "This page is a plain frontend of the course API: everything it shows comes from the public endpoints.",
      "link.docs": "API docs",
      "link.admin": "Admin",
      "nav.label": "Main",
      "nav.catalogue": "Catalogue",
      "nav.myCourses": "My courses",
      "nav.wishlist": "Wishlist",
      "nav.certificates": "Certificates",
      "nav.notifications": "Notifications",
      "nav.login": "Log in",
      "lang.label": "Language",
      loading: "Loading…",
      "error.title": "Something went wrong",
      "error.network": "The server cannot be reached. Check your connection and try again.",
      "error.http": "The server answered with an error (HTTP {status}).",
      "session.expired": "Your session has ended. Please log in again.",
      "catalogue.title": "Course catalogue",
      "catalogue.search": "Search courses",
      "catalogue.searchButton": "Search",
      "catalogue.placeholder": "e.g. react, figma, o'zbek",
      "catalogue.count": "Courses found: {n}",
      "catalogue.empty": "No course matches your search.",
      "catalogue.clear": "Show all courses",
      "price.free": "Free",
      rating: "★ {avg} ({count})",
      "rating.none": "No ratings yet",
      lessons: "Lessons: {n}",
      "duration.min": "{n} min",
      "level.beginner": "Beginner",
      "level.intermediate": "Intermediate",
      "level.advanced": "Advanced",
      "level.all": "All levels",
      "language.uz": "in Uzbek",
      "language.ru": "in Russian",
      "language.en": "in English",
      "kind.video": "Video",
      "kind.text": "Text",
      "kind.file": "File",
      preview: "Free preview",
      completed: "Completed",
      "course.back": "← Back to the catalogue",
      "course.instructor": "Instructor: {name}",
      "course.outline": "Course outline",
      "course.enroll": "Enroll",
      "course.enrollFree": "Enroll for free",
      "course.loginToEnroll": "Log in to enroll",
      "course.enrolled": "You are enrolled in this course.",
      "course.continue": "Continue: {title}",
      "course.done": "You have completed this course.",
      "enroll.done": "You are enrolled. Enjoy the course!",
      "progress.label": "Course progress",
      "progress.text": "{done} of {total} lessons completed · {percent}%",
      "lesson.backToCourse": "← Back to “{title}”",
      "lesson.locked": "This lesson opens once you enroll in the course.",
      "lesson.video": "Watch the video",
      "lesson.attachment": "Download the lesson file",
      "lesson.complete": "Mark as completed",
      "lesson.isComplete": "Completed ✓",
      "lesson.next": "Next lesson: {title}",
      "lesson.lessons": "Lessons of this course",
      "lesson.courseComplete": "Congratulations, you have completed the course! Your certificate is ready.",
      "lesson.toCertificates": "See my certificates",
      "reviews.title": "Reviews",
      "reviews.empty": "No reviews yet.",
      "reviews.write": "Leave a review",
      "reviews.rating": "Rating",
      "reviews.comment": "Comment",
      "reviews.submit": "Publish review",
      "reviews.done": "Thank you! Your review is published.",
      "reviews.stars": "{n} out of 5",
      "account.title": "My account",
      "account.login": "Log in",
      "account.register": "Create an account",
      "account.username": "Username",
      "account.usernameOrEmail": "Username or e-mail",
      "account.email": "E-mail",
      "account.password": "Password",
      "account.firstName": "First name",
      "account.lastName": "Last name",
      "account.loginButton": "Log in",
      "account.registerButton": "Create account",
      "account.logout": "Log out",
      "account.demoHint": "Demo accounts: student, aziz, nilufar… all with the password coursehub-demo.",
      "account.name": "Name",
      "login.done": "Welcome, {name}!",
      "register.done": "Your account is ready, {name}. You are logged in.",
      "logout.done": "You are logged out.",
      "needsLogin": "Log in to see this page.",
      "certificates.title": "My certificates",
      "certificates.empty": "Complete a course to earn a certificate.",
      "certificates.holder": "Awarded to {name}",
      "certificates.issued": "Issued on {date}",
      "certificates.valid": "Valid",
      "certificates.revoked": "Revoked",
      "certificates.pdf": "Download PDF",
      "certificates.verify": "Public verification link",
      "notifications.title": "Notifications",
      "notifications.empty": "No notifications yet.",
      "notifications.read": "Mark as read",
      "notifications.readAll": "Mark all as read",
      "notifications.marked": "Marked as read: {n}",
      "notifications.unread": "{n} unread",
      "catalogue.browse": "Browse the catalogue",
      "wishlist.title": "My wishlist",
      "wishlist.empty": "Your wishlist is empty. Save a course on its page to find it here later.",
      "wishlist.save": "Save to wishlist",
      "wishlist.remove": "Remove from wishlist",
      "wishlist.saved": "The course is saved to your wishlist.",
      "wishlist.removed": "The course is removed from your wishlist.",
      "wishlist.added": "Saved on {date}",
      "myCourses.title": "My courses",
      "myCourses.empty": "You are not enrolled in any course yet.",
      "myCourses.open": "Open the course",
      "progress.of": "Progress in “{title}”",
      "profile.edit": "Edit my profile",
      "profile.headline": "Headline",
      "profile.bio": "About me",
      "profile.avatar": "Photo address (URL)",
      "profile.language": "Preferred language",
      "profile.languageNone": "Not chosen",
      "profile.languageHint": "The API answers you in this language. Switching the page's language changes it too.",
      "profile.save": "Save changes",
      "profile.saved": "Your profile is saved.",
      "delete.title": "Delete my account",
      "delete.erased": "Deleting your account erases your name, e-mail address, profile, notifications, wishlist and the text of your reviews, and closes the account for good: nobody can log in to it again.",
      "delete.kept": "Your enrollments, your reviews' stars and your orders stay, under an anonymous name, and so do your certificates, with the name they were issued to.",
      "delete.password": "Your current password",
      "delete.start": "Delete my account",
      "delete.question": "Delete your account for good? This cannot be undone.",
      "delete.confirm": "Yes, delete my account",
      "delete.cancel": "Cancel",
      "delete.done": "Your account was deleted.",
      "form.invalid": "Please correct the marked fields.",
      "field.username": "Username",
      "field.email": "E-mail",
      "field.password": "Password",
      "field.first_name": "First name",
      "field.last_name": "Last name",
      "field.rating": "Rating",
      "field.comment": "Comment",
      "field.headline": "Headline",
      "field.bio": "About me",
      "field.avatar_url": "Photo address",
      "field.preferred_language": "Preferred language",
    },
    uz: {
      skip: "Asosiy qismga oʻtish",
      intro: "Bu sahifa kurslar APIdan foydalanadigan oddiy frontend: undagi hamma maʼlumot ochiq endpointlardan olinadi.",
      "link.docs": "API hujjatlari",
      "link.admin": "Boshqaruv paneli",
      "nav.label": "Asosiy menyu",
      "nav.catalogue": "Katalog",
      "nav.myCourses": "Mening kurslarim",
      "nav.wishlist": "Saqlanganlar",
      "nav.certificates": "Sertifikatlar",
      "nav.notifications": "Bildirishnomalar",
      "nav.login": "Kirish",
      "lang.label": "Til",
      loading: "Yuklanmoqda…",
      "error.title": "Xatolik yuz berdi",
      "error.network": "Server bilan bogʻlanib boʻlmadi. Internetni tekshirib, qaytadan urinib koʻring.",
      "error.http": "Server xato bilan javob berdi (HTTP {status}).",
      "session.expired": "Seans tugadi. Iltimos, qaytadan kiring.",
      "catalogue.title": "Kurslar katalogi",
      "catalogue.search": "Kurslarni qidirish",
      "catalogue.searchButton": "Qidirish",
      "catalogue.placeholder": "masalan: react, figma, oʻzbek",
      "catalogue.count": "Topilgan kurslar: {n}",
      "catalogue.empty": "Qidiruvingizga mos kurs topilmadi.",
      "catalogue.clear": "Barcha kurslarni koʻrsatish",
      "price.free": "Bepul",
      rating: "★ {avg} ({count})",
      "rating.none": "Hali baholanmagan",
      lessons: "Darslar: {n}",
      "duration.min": "{n} daqiqa",
      "level.beginner": "Boshlangʻich",
      "level.intermediate": "Oʻrta",
      "level.advanced": "Yuqori",
      "level.all": "Barcha darajalar",
      "language.uz": "oʻzbek tilida",
      "language.ru": "rus tilida",
      "language.en": "ingliz tilida",
      "kind.video": "Video",
      "kind.text": "Matn",
      "kind.file": "Fayl",
      preview: "Bepul koʻrish",
      completed: "Tugallangan",
      "course.back": "← Katalogga qaytish",
      "course.instructor": "Oʻqituvchi: {name}",
      "course.outline": "Kurs mundarijasi",
      "course.enroll": "Kursga yozilish",
      "course.enrollFree": "Bepul yozilish",
      "course.loginToEnroll": "Yozilish uchun tizimga kiring",
      "course.enrolled": "Siz bu kursga yozilgansiz.",
      "course.continue": "Davom etish: {title}",
      "course.done": "Siz bu kursni tugatdingiz.",
      "enroll.done": "Kursga yozildingiz. Oʻqishdan zavqlaning!",
      "progress.label": "Kurs boʻyicha oʻzlashtirish",
      "progress.text": "{total} ta darsdan {done} tasi tugallandi · {percent}%",
      "lesson.backToCourse": "← “{title}” kursiga qaytish",
      "lesson.locked": "Bu dars kursga yozilganingizdan keyin ochiladi.",
      "lesson.video": "Videoni koʻrish",
      "lesson.attachment": "Dars faylini yuklab olish",
      "lesson.complete": "Tugallandi deb belgilash",
      "lesson.isComplete": "Tugallandi ✓",
      "lesson.next": "Keyingi dars: {title}",
      "lesson.lessons": "Kurs darslari",
      "lesson.courseComplete": "Tabriklaymiz, kursni tugatdingiz! Sertifikatingiz tayyor.",
      "lesson.toCertificates": "Sertifikatlarimni koʻrish",
      "reviews.title": "Sharhlar",
      "reviews.empty": "Hali sharhlar yoʻq.",
      "reviews.write": "Sharh qoldirish",
      "reviews.rating": "Baho",
      "reviews.comment": "Izoh",
      "reviews.submit": "Sharhni eʼlon qilish",
      "reviews.done": "Rahmat! Sharhingiz eʼlon qilindi.",
      "reviews.stars": "5 dan {n}",
      "account.title": "Mening hisobim",
      "account.login": "Tizimga kirish",
      "account.register": "Roʻyxatdan oʻtish",
      "account.username": "Foydalanuvchi nomi",
      "account.usernameOrEmail": "Foydalanuvchi nomi yoki e-pochta",
      "account.email": "E-pochta",
      "account.password": "Parol",
      "account.firstName": "Ism",
      "account.lastName": "Familiya",
      "account.loginButton": "Kirish",
      "account.registerButton": "Hisob yaratish",
      "account.logout": "Chiqish",
      "account.demoHint": "Namuna hisoblar: student, aziz, nilufar… hammasining paroli coursehub-demo.",
      "account.name": "Ism-familiya",
      "login.done": "Xush kelibsiz, {name}!",
      "register.done": "Hisobingiz tayyor, {name}. Siz tizimdasiz.",
      "logout.done": "Tizimdan chiqdingiz.",
      "needsLogin": "Bu sahifani koʻrish uchun tizimga kiring.",
      "certificates.title": "Mening sertifikatlarim",
      "certificates.empty": "Sertifikat olish uchun kursni tugating.",
      "certificates.holder": "Egasi: {name}",
      "certificates.issued": "Berilgan sana: {date}",
      "certificates.valid": "Haqiqiy",
      "certificates.revoked": "Bekor qilingan",
      "certificates.pdf": "PDF yuklab olish",
      "certificates.verify": "Ochiq tekshirish havolasi",
      "notifications.title": "Bildirishnomalar",
      "notifications.empty": "Hozircha bildirishnomalar yoʻq.",
      "notifications.read": "Oʻqildi deb belgilash",
      "notifications.readAll": "Hammasini oʻqildi deb belgilash",
      "notifications.marked": "Oʻqildi deb belgilandi: {n}",
      "notifications.unread": "{n} ta oʻqilmagan",
      "catalogue.browse": "Katalogni koʻrish",
      "wishlist.title": "Saqlangan kurslar",
      "wishlist.empty": "Hozircha saqlangan kurs yoʻq. Kursni uning sahifasida saqlab qoʻying, keyin shu yerda topasiz.",
      "wishlist.save": "Saqlab qoʻyish",
      "wishlist.remove": "Saqlanganlardan olib tashlash",
      "wishlist.saved": "Kurs saqlanganlarga qoʻshildi.",
      "wishlist.removed": "Kurs saqlanganlardan olib tashlandi.",
      "wishlist.added": "Saqlangan sana: {date}",
      "myCourses.title": "Mening kurslarim",
      "myCourses.empty": "Siz hali hech qaysi kursga yozilmagansiz.",
      "myCourses.open": "Kursni ochish",
      "progress.of": "“{title}” kursi boʻyicha oʻzlashtirish",
      "profile.edit": "Profilni tahrirlash",
      "profile.headline": "Qisqacha maʼlumot",
      "profile.bio": "Oʻzim haqimda",
      "profile.avatar": "Rasm manzili (URL)",
      "profile.language": "Afzal til",
      "profile.languageNone": "Tanlanmagan",
      "profile.languageHint": "API sizga shu tilda javob beradi. Sahifa tilini almashtirsangiz, bu til ham oʻzgaradi.",
      "profile.save": "Oʻzgarishlarni saqlash",
      "profile.saved": "Profilingiz saqlandi.",
      "delete.title": "Hisobni oʻchirish",
      "delete.erased": "Hisobingiz oʻchirilganda ismingiz, e-pochtangiz, profilingiz, bildirishnomalaringiz, saqlangan kurslaringiz va sharhlaringiz matni oʻchiriladi, hisobning oʻzi esa butunlay yopiladi: unga hech kim qayta kira olmaydi.",
      "delete.kept": "Kurslarga yozilishlaringiz, sharhlaringizdagi baholar va buyurtmalaringiz anonim nom bilan saqlanib qoladi, sertifikatlaringiz esa berilgan ism bilan qoladi.",
      "delete.password": "Joriy parolingiz",
      "delete.start": "Hisobimni oʻchirish",
      "delete.question": "Hisobingiz butunlay oʻchirilsinmi? Buni ortga qaytarib boʻlmaydi.",
      "delete.confirm": "Ha, hisobimni oʻchirish",
      "delete.cancel": "Bekor qilish",
      "delete.done": "Hisobingiz oʻchirildi.",
      "form.invalid": "Belgilangan maydonlarni tuzating.",
      "field.username": "Foydalanuvchi nomi",
      "field.email": "E-pochta",
      "field.password": "Parol",
      "field.first_name": "Ism",
      "field.last_name": "Familiya",
      "field.rating": "Baho",
      "field.comment": "Izoh",
      "field.headline": "Qisqacha maʼlumot",
      "field.bio": "Oʻzim haqimda",
      "field.avatar_url": "Rasm manzili",
      "field.preferred_language": "Afzal til",
    },
    ru: {
      skip: "Перейти к содержанию",
      intro: "Эта страница — простой фронтенд API курсов: всё, что на ней есть, приходит из открытых эндпоинтов.",
      "link.docs": "Документация API",
      "link.admin": "Админка",
      "nav.label": "Главное меню",
      "nav.catalogue": "Каталог",
      "nav.myCourses": "Мои курсы",
      "nav.wishlist": "Избранное",
      "nav.certificates": "Сертификаты",
      "nav.notifications": "Уведомления",
      "nav.login": "Войти",
      "lang.label": "Язык",
      loading: "Загрузка…",
      "error.title": "Что-то пошло не так",
      "error.network": "Сервер недоступен. Проверьте подключение и попробуйте ещё раз.",
      "error.http": "Сервер ответил ошибкой (HTTP {status}).",
      "session.expired": "Сеанс завершён. Пожалуйста, войдите снова.",
      "catalogue.title": "Каталог курсов",
      "catalogue.search": "Поиск курсов",
      "catalogue.searchButton": "Найти",
      "catalogue.placeholder": "например: react, figma, o'zbek",
      "catalogue.count": "Найдено курсов: {n}",
      "catalogue.empty": "По вашему запросу курсов не найдено.",
      "catalogue.clear": "Показать все курсы",
      "price.free": "Бесплатно",
      rating: "★ {avg} ({count})",
      "rating.none": "Оценок пока нет",
      lessons: "Уроков: {n}",
      "duration.min": "{n} мин",
      "level.beginner": "Для начинающих",
      "level.intermediate": "Средний уровень",
      "level.advanced": "Продвинутый уровень",
      "level.all": "Любой уровень",
      "language.uz": "на узбекском",
      "language.ru": "на русском",
      "language.en": "на английском",
      "kind.video": "Видео",
      "kind.text": "Текст",
      "kind.file": "Файл",
      preview: "Бесплатный просмотр",
      completed: "Пройден",
      "course.back": "← Назад в каталог",
      "course.instructor": "Преподаватель: {name}",
      "course.outline": "Программа курса",
      "course.enroll": "Записаться",
      "course.enrollFree": "Записаться бесплатно",
      "course.loginToEnroll": "Войдите, чтобы записаться",
      "course.enrolled": "Вы записаны на этот курс.",
      "course.continue": "Продолжить: {title}",
      "course.done": "Вы прошли этот курс.",
      "enroll.done": "Вы записаны на курс. Приятной учёбы!",
      "progress.label": "Прогресс по курсу",
      "progress.text": "Пройдено уроков: {done} из {total} · {percent}%",
      "lesson.backToCourse": "← Назад к курсу «{title}»",
      "lesson.locked": "Этот урок откроется после записи на курс.",
      "lesson.video": "Смотреть видео",
      "lesson.attachment": "Скачать файл урока",
      "lesson.complete": "Отметить как пройденный",
      "lesson.isComplete": "Пройден ✓",
      "lesson.next": "Следующий урок: {title}",
      "lesson.lessons": "Уроки курса",
      "lesson.courseComplete": "Поздравляем, вы прошли курс! Ваш сертификат готов.",
      "lesson.toCertificates": "Мои сертификаты",
      "reviews.title": "Отзывы",
      "reviews.empty": "Отзывов пока нет.",
      "reviews.write": "Оставить отзыв",
      "reviews.rating": "Оценка",
      "reviews.comment": "Комментарий",
      "reviews.submit": "Опубликовать отзыв",
      "reviews.done": "Спасибо! Ваш отзыв опубликован.",
      "reviews.stars": "{n} из 5",
      "account.title": "Мой аккаунт",
      "account.login": "Вход",
      "account.register": "Регистрация",
      "account.username": "Имя пользователя",
      "account.usernameOrEmail": "Имя пользователя или e-mail",
      "account.email": "E-mail",
      "account.password": "Пароль",
      "account.firstName": "Имя",
      "account.lastName": "Фамилия",
      "account.loginButton": "Войти",
      "account.registerButton": "Зарегистрироваться",
      "account.logout": "Выйти",
      "account.demoHint": "Демо-аккаунты: student, aziz, nilufar… у всех пароль coursehub-demo.",
      "account.name": "Имя",
      "login.done": "Добро пожаловать, {name}!",
      "register.done": "Аккаунт создан, {name}. Вы вошли в систему.",
      "logout.done": "Вы вышли из системы.",
      "needsLogin": "Войдите, чтобы увидеть эту страницу.",
      "certificates.title": "Мои сертификаты",
      "certificates.empty": "Пройдите курс, чтобы получить сертификат.",
      "certificates.holder": "Выдан: {name}",
      "certificates.issued": "Дата выдачи: {date}",
      "certificates.valid": "Действителен",
      "certificates.revoked": "Отозван",
      "certificates.pdf": "Скачать PDF",
      "certificates.verify": "Публичная ссылка для проверки",
      "notifications.title": "Уведомления",
      "notifications.empty": "Уведомлений пока нет.",
      "notifications.read": "Отметить прочитанным",
      "notifications.readAll": "Отметить все прочитанными",
      "notifications.marked": "Отмечено прочитанными: {n}",
      "notifications.unread": "Непрочитанных: {n}",
      "catalogue.browse": "Перейти в каталог",
      "wishlist.title": "Избранное",
      "wishlist.empty": "В избранном пока пусто. Сохраните курс на его странице, и он появится здесь.",
      "wishlist.save": "Добавить в избранное",
      "wishlist.remove": "Убрать из избранного",
      "wishlist.saved": "Курс добавлен в избранное.",
      "wishlist.removed": "Курс убран из избранного.",
      "wishlist.added": "Добавлен {date}",
      "myCourses.title": "Мои курсы",
      "myCourses.empty": "Вы пока не записаны ни на один курс.",
      "myCourses.open": "Открыть курс",
      "progress.of": "Прогресс по курсу «{title}»",
      "profile.edit": "Редактировать профиль",
      "profile.headline": "Кратко о себе",
      "profile.bio": "О себе",
      "profile.avatar": "Ссылка на фото (URL)",
      "profile.language": "Предпочитаемый язык",
      "profile.languageNone": "Не выбран",
      "profile.languageHint": "API отвечает вам на этом языке. Смена языка страницы меняет и его.",
      "profile.save": "Сохранить изменения",
      "profile.saved": "Профиль сохранён.",
      "delete.title": "Удаление аккаунта",
      "delete.erased": "При удалении аккаунта стираются ваши имя, e-mail, профиль, уведомления, избранное и текст ваших отзывов, а сам аккаунт закрывается навсегда: войти в него больше нельзя.",
      "delete.kept": "Ваши записи на курсы, оценки в отзывах и заказы остаются под анонимным именем, а сертификаты — с именем, на которое они выданы.",
      "delete.password": "Текущий пароль",
      "delete.start": "Удалить мой аккаунт",
      "delete.question": "Удалить аккаунт навсегда? Отменить это будет нельзя.",
      "delete.confirm": "Да, удалить мой аккаунт",
      "delete.cancel": "Отмена",
      "delete.done": "Ваш аккаунт удалён.",
      "form.invalid": "Исправьте отмеченные поля.",
      "field.username": "Имя пользователя",
      "field.email": "E-mail",
      "field.password": "Пароль",
      "field.first_name": "Имя",
      "field.last_name": "Фамилия",
      "field.rating": "Оценка",
      "field.comment": "Комментарий",
      "field.headline": "Кратко о себе",
      "field.bio": "О себе",
      "field.avatar_url": "Ссылка на фото",
      "field.preferred_language": "Предпочитаемый язык",
    },
  };

  // Locales for Intl (numbers and dates); the UI language itself is the key of STRINGS.
  const LOCALES = { en: "en-GB", uz: "uz-Latn-UZ", ru: "ru-RU" };

  // Each language by its own name, in the order of the header's buttons.
  const LANGUAGE_NAMES = { uz: "Oʻzbekcha", ru: "Русский", en: "English" };

  const state = { lang: preferredLanguage() };

  // The JWT pair and the profile, in memory only (see the header comment).
  const session = { access: null, refresh: null, user: null };

  // One refresh at a time: with rotation on, a second refresh with the same token would be
  // refused (that token is blacklisted by the first) and would log the user out.
  let refreshInFlight = null;

  // Each navigation takes a ticket; a slow answer for an older page must not replace a newer one.
  let renderTicket = 0;

  function preferredLanguage() {
    for (const tag of navigator.languages || []) {
      const code = tag.slice(0, 2).toLowerCase();
      if (code in STRINGS) return code;
    }
    return "en";
  }

  function t(key, params = {}) {
    const text = STRINGS[state.lang][key] ?? STRINGS.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? params[name] : match));
  }

  // ---------------------------------------------------------------------------------------
  // Talking to the API.

  class ApiError extends Error {
    constructor(status, message, data = null) {
      super(message);
      this.status = status;
      this.data = data;
    }
  }

  /**
   * Call the API and answer the parsed JSON, or throw an ApiError carrying a message to show.
   * `body` may be a function, evaluated for each attempt, when it depends on the session
   * (logout sends the refresh token, which a refresh before the retry replaces).
   */
  async function api(path, { method = "GET", body, auth = true } = {}, isRetry = false) {
    const headers = { Accept: "application/json", "Accept-Language": state.lang };
    const token = auth ? session.access : null;
    if (token) headers.Authorization = `Bearer ${token}`;
    const payload = typeof body === "function" ? body() : body;
    if (payload !== undefined) headers["Content-Type"] = "application/json";

    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
    } catch {
      throw new ApiError(0, t("error.network"));
    }

    if (response.status === 401 && token && !isRetry) {
      // Another request may have refreshed while this one was on its way: then just retry.
      const renewed = session.access !== token || (await refreshAccess());
      if (!renewed) throw new ApiError(401, t("session.expired"));
      return api(path, { method, body, auth }, true);
    }

    const data = await readBody(response);
    if (!response.ok) throw new ApiError(response.status, errorText(data, response.status), data);
    return data;
  }

  async function readBody(response) {
    if (response.status === 204) return null;
    if (!(response.headers.get("Content-Type") || "").includes("application/json")) return null;
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  /** The message to show for an error answer: the API's `detail` plus per-field messages. */
  function errorText(data, status) {
    if (data && typeof data.detail === "string") {
      const fields = Object.entries(data.errors || {}).map(
        ([field, messages]) => `${t(`field.${field}`)}: ${[].concat(messages).join(" ")}`,
      );
      return [data.detail, ...fields].join(" ");
    }
    // django-ninja's own validation answer (422): a list of problems, each with its location.
    if (data && Array.isArray(data.detail)) {
      return data.detail
        .map((problem) => `${t(`field.${(problem.loc || []).at(-1)}`)}: ${problem.msg}`)
        .join(" ");
    }
    return t("error.http", { status });
  }

  function refreshAccess() {
    if (!refreshInFlight) {
      refreshInFlight = renewTokens().finally(() => {
        refreshInFlight = null;
      });
    }
    return refreshInFlight;
  }

  async function renewTokens() {
    if (!session.refresh) return false;
    try {
      const tokens = await api("/api/auth/refresh/", {
        method: "POST",
        body: { refresh: session.refresh },
        auth: false,
      });
      session.access = tokens.access;
      // Without rotation the answer's refresh is null and the old one stays valid.
      if (tokens.refresh) session.refresh = tokens.refresh;
      return true;
    } catch {
      endSession();
      return false;
    }
  }

  async function startSession(tokens) {
    session.access = tokens.access;
    session.refresh = tokens.refresh;
    try {
      session.user = await api("/api/auth/profile/");
    } catch (error) {
      endSession();
      throw error;
    }
    // The language chosen on another visit or device wins over this browser's guess.
    if (!adoptProfileLanguage()) {
      renderSessionUi();
      refreshBadge();
    }
  }

  /** Switch the page to the profile's language, if it has one; answers whether it switched. */
  function adoptProfileLanguage() {
    const language = session.user.preferred_language;
    if (!Object.hasOwn(STRINGS, language) || language === state.lang) return false;
    state.lang = language;
    applyStaticStrings();
    return true;
  }

  /**
   * Store the page's language in the profile. The API answers a logged-in user in the
   * profile's language whatever Accept-Language says, so the two must not drift apart.
   */
  async function rememberLanguage() {
    if (session.user.preferred_language === state.lang) return;
    session.user = await api("/api/auth/profile/", { method: "PATCH", body: { preferred_language: state.lang } });
  }

  function endSession() {
    session.access = null;
    session.refresh = null;
    session.user = null;
    renderSessionUi();
  }

  function displayName(user) {
    return user.full_name || user.username;
  }

  // ---------------------------------------------------------------------------------------
  // Small DOM helpers. Text from the API is always set as text, never parsed as HTML.

  function h(tag, attrs = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else if (name === "testid") element.dataset.testid = value;
      else element.setAttribute(name, value === true ? "" : String(value));
    }
    element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
    return element;
  }

  let fieldCounter = 0;

  /** A labelled input; the label's `for` ties them together for screen readers. */
  function field(labelKey, attrs) {
    const id = `field-${++fieldCounter}`;
    return h("div", { class: "field" }, h("label", { for: id }, t(labelKey)), h("input", { id, ...attrs }));
  }

  function showMessage(text, kind = "info") {
    const box = document.getElementById("message");
    box.textContent = text;
    box.className = `message message-${kind}`;
    box.hidden = false;
    // On a phone the form that failed may be a screen away from the message.
    if (kind === "error") box.scrollIntoView({ block: "nearest" });
  }

  function showError(error) {
    showMessage(error instanceof ApiError ? error.message : t("error.http", { status: "?" }), "error");
    if (!(error instanceof ApiError)) console.error(error);
  }

  function clearMessage() {
    const box = document.getElementById("message");
    box.hidden = true;
    box.textContent = "";
  }

  /** Run a user action with its button disabled (no double submits) and errors shown. */
  async function withBusy(button, action) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await action();
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  function formatPrice(course) {
    if (course.is_free) return t("price.free");
    const amount = new Intl.NumberFormat(LOCALES[state.lang], { maximumFractionDigits: 2 }).format(
      Number(course.price),
    );
    return `${amount} ${course.currency}`;
  }

  function formatRating(course) {
    if (!course.rating_count) return t("rating.none");
    return t("rating", { avg: course.rating_avg, count: course.rating_count });
  }

  function formatDate(iso) {
    return new Date(iso).toLocaleDateString(LOCALES[state.lang], {
      year: "numeric",
      month: "long",
      day: "numeric",
    });
  }

  function minutes(seconds) {
    return t("duration.min", { n: Math.max(1, Math.round(seconds / 60)) });
  }

  function pageHeading(text) {
    return h("h1", { tabindex: "-1" }, text);
  }

  // ---------------------------------------------------------------------------------------
  // Progress bar, fed with either an enrollment's `progress` or the progress endpoint's answer.

  function progressBlock(progress, label = t("progress.label")) {
    const block = h(
      "div",
      { class: "progress-block" },
      h(
        "div",
        {
          class: "progress",
          role: "progressbar",
          "aria-valuemin": 0,
          "aria-valuemax": 100,
          "aria-label": label,
          testid: "progress-bar",
        },
        h("div", { class: "progress-fill" }),
      ),
      h("p", { class: "progress-text", testid: "progress-text" }),
    );
    setProgress(block, progress);
    return block;
  }

  function setProgress(block, progress) {
    const done = progress.completed_lessons ?? progress.completed;
    const total = progress.total_lessons ?? progress.total;
    const bar = block.querySelector(".progress");
    bar.setAttribute("aria-valuenow", String(progress.percent));
    bar.querySelector(".progress-fill").style.width = `${progress.percent}%`;
    block.querySelector(".progress-text").textContent = t("progress.text", {
      done,
      total,
      percent: progress.percent,
    });
  }

  /** Progress in a course, or null when the user has no access to it (403 not_enrolled). */
  async function progressOrNull(courseId) {
    if (!session.access) return null;
    try {
      return await api(`/api/enrollments/progress/${courseId}/`);
    } catch (error) {
      if (error.status === 403 || error.status === 404) return null;
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Views. Each answers the node to put into <main>, or throws an ApiError.

  async function catalogueView(params) {
    const query = params.get("q") || "";
    const search = new URLSearchParams({ page_size: "50" });
    if (query) search.set("q", query);
    const page = await api(`/api/courses/?${search}`);

    const input = h("input", {
      id: "search",
      type: "search",
      name: "q",
      value: query,
      placeholder: t("catalogue.placeholder"),
      testid: "search-input",
    });
    const form = h(
      "form",
      {
        class: "search",
        role: "search",
        onsubmit: (event) => {
          event.preventDefault();
          const words = input.value.trim();
          navigate(words ? `#/?q=${encodeURIComponent(words)}` : "#/");
        },
      },
      h("label", { for: "search" }, t("catalogue.search")),
      h("div", { class: "search-row" }, input, h("button", { type: "submit", testid: "search-button" }, t("catalogue.searchButton"))),
    );

    const cards = page.items.map((course) => h("li", {}, courseCard(course)));
    return h(
      "section",
      {},
      pageHeading(t("catalogue.title")),
      form,
      h("p", { class: "count", testid: "course-count", "data-count": page.count, "data-query": query }, t("catalogue.count", { n: page.count })),
      cards.length
        ? h("ul", { class: "cards" }, cards)
        : h("p", {}, t("catalogue.empty"), " ", h("a", { href: "#/" }, t("catalogue.clear"))),
    );
  }

  function courseCard(course) {
    return h(
      "article",
      { class: "card", testid: "course-card" },
      h("h2", {}, h("a", { href: `#/courses/${course.id}`, testid: "course-link" }, course.title)),
      h("p", { class: "meta" }, displayName(course.instructor), " · ", t(`level.${course.level}`), " · ", t(`language.${course.language}`)),
      h("p", {}, course.short_description),
      h(
        "p",
        { class: "facts" },
        h("span", { class: course.is_free ? "tag tag-free" : "tag", testid: "course-price" }, formatPrice(course)),
        h("span", {}, formatRating(course)),
        h("span", {}, t("lessons", { n: course.lesson_count })),
      ),
    );
  }

  async function courseView({ id }) {
    const course = await api(`/api/courses/${id}/`);
    const [progress, reviews] = await Promise.all([
      course.enrollment ? progressOrNull(course.id) : null,
      api(`/api/reviews/?course=${course.id}&page_size=50`),
    ]);
    const completedIds = new Set((progress?.lessons || []).filter((l) => l.completed).map((l) => l.id));

    return h(
      "article",
      { class: "course" },
      h("p", {}, h("a", { href: "#/" }, t("course.back"))),
      pageHeading(course.title),
      h("p", { class: "meta" }, t("course.instructor", { name: displayName(course.instructor) }), " · ", t(`level.${course.level}`), " · ", t(`language.${course.language}`)),
      h("p", { class: "facts" },
        h("span", { class: course.is_free ? "tag tag-free" : "tag" }, formatPrice(course)),
        h("span", {}, formatRating(course)),
        h("span", {}, t("lessons", { n: course.lesson_count })),
        h("span", {}, minutes(course.total_duration)),
      ),
      session.access ? h("p", { class: "actions" }, wishlistToggle(course.id, course.in_wishlist)) : null,
      h("p", { class: "description" }, course.description),
      enrollmentPanel(course, progress),
      h("h2", {}, t("course.outline")),
      course.sections.map((section) =>
        h(
          "section",
          { class: "outline-section", testid: "outline-section" },
          h("h3", {}, section.title),
          h("ol", { class: "lessons" }, section.lessons.map((lesson) => lessonRow(lesson, completedIds.has(lesson.id)))),
        ),
      ),
      reviewsBlock(course, progress, reviews),
    );
  }

  function wishlistToggle(courseId, initiallySaved) {
    let saved = initiallySaved;
    const button = h("button", { type: "button", class: "secondary", testid: "wishlist-toggle" });
    const show = () => {
      button.dataset.saved = String(saved);
      button.replaceChildren(
        h("span", { "aria-hidden": "true" }, saved ? "♥ " : "♡ "),
        saved ? t("wishlist.remove") : t("wishlist.save"),
      );
    };
    show();
    button.addEventListener("click", () =>
      withBusy(button, async () => {
        if (saved) await api(`/api/wishlist/${courseId}/`, { method: "DELETE" });
        else await api("/api/wishlist/", { method: "POST", body: { course: courseId } });
        saved = !saved;
        show();
        showMessage(saved ? t("wishlist.saved") : t("wishlist.removed"), "success");
      }),
    );
    return button;
  }

  function lessonRow(lesson, isCompleted) {
    return h(
      "li",
      { class: isCompleted ? "lesson done" : "lesson", testid: "lesson-row", "data-completed": String(isCompleted) },
      h("a", { href: `#/lessons/${lesson.id}`, testid: "lesson-link" }, lesson.title),
      h("span", { class: "muted" }, ` ${t(`kind.${lesson.kind}`)} · ${minutes(lesson.duration)}`),
      lesson.is_preview ? h("span", { class: "tag tag-free" }, t("preview")) : null,
      isCompleted ? h("span", { class: "tick" }, "✓ ", h("span", { class: "visually-hidden" }, t("completed"))) : null,
    );
  }

  function enrollmentPanel(course, progress) {
    if (!session.access) {
      return h(
        "div",
        { class: "panel" },
        h("a", { class: "button", href: `#/account?next=${encodeURIComponent(`/courses/${course.id}`)}`, testid: "enroll-login" }, t("course.loginToEnroll")),
      );
    }
    if (progress) {
      const next = progress.next_lesson;
      return h(
        "div",
        { class: "panel", testid: "enrollment-panel" },
        h("p", {}, progress.completed_at ? t("course.done") : t("course.enrolled")),
        progressBlock(progress),
        next ? h("a", { class: "button", href: `#/lessons/${next.id}`, testid: "continue-link" }, t("course.continue", { title: next.title })) : null,
      );
    }
    const button = h(
      "button",
      { type: "button", testid: "enroll-button" },
      course.is_free ? t("course.enrollFree") : t("course.enroll"),
    );
    // A paid course answers 402 with how to pay; the message is shown like any other error.
    button.addEventListener("click", () =>
      withBusy(button, async () => {
        await api("/api/enrollments/", { method: "POST", body: { course: course.id } });
        showMessage(t("enroll.done"), "success");
        refreshBadge();
        await route();
      }),
    );
    return h("div", { class: "panel" }, button);
  }

  function reviewsBlock(course, progress, reviews) {
    const mine = session.user && reviews.items.some((review) => review.user.id === session.user.id);
    return h(
      "section",
      { class: "reviews" },
      h("h2", {}, t("reviews.title")),
      reviews.items.length
        ? h("ul", { class: "review-list" }, reviews.items.map(reviewItem))
        : h("p", { class: "muted" }, t("reviews.empty")),
      progress && !mine ? reviewForm(course) : null,
    );
  }

  function reviewItem(review) {
    return h(
      "li",
      { class: "review", testid: "review" },
      h("p", { class: "stars", "aria-label": t("reviews.stars", { n: review.rating }) }, "★".repeat(review.rating) + "☆".repeat(5 - review.rating)),
      h("p", {}, h("strong", {}, displayName(review.user)), h("span", { class: "muted" }, ` · ${formatDate(review.created_at)}`)),
      review.comment ? h("p", { class: "comment" }, review.comment) : null,
    );
  }

  function reviewForm(course) {
    const rating = h(
      "select",
      { id: "review-rating", testid: "review-rating" },
      [5, 4, 3, 2, 1].map((n) => h("option", { value: n }, `${"★".repeat(n)} — ${t("reviews.stars", { n })}`)),
    );
    const comment = h("textarea", { id: "review-comment", rows: 3, maxlength: 5000, testid: "review-comment" });
    const submit = h("button", { type: "submit", testid: "review-submit" }, t("reviews.submit"));
    return h(
      "form",
      {
        class: "review-form",
        onsubmit: (event) => {
          event.preventDefault();
          withBusy(submit, async () => {
            const body = { course: course.id, rating: Number(rating.value), comment: comment.value };
            await api("/api/reviews/", { method: "POST", body });
            showMessage(t("reviews.done"), "success");
            await route();
          });
        },
      },
      h("h3", {}, t("reviews.write")),
      h("div", { class: "field" }, h("label", { for: "review-rating" }, t("reviews.rating")), rating),
      h("div", { class: "field" }, h("label", { for: "review-comment" }, t("reviews.comment")), comment),
      submit,
    );
  }

  async function lessonView({ id }) {
    const lesson = await api(`/api/lessons/${id}/`);
    const [course, progress] = await Promise.all([api(`/api/courses/${lesson.course}/`), progressOrNull(lesson.course)]);

    const article = h(
      "article",
      { class: "lesson-page" },
      h("p", {}, h("a", { href: `#/courses/${course.id}`, testid: "back-to-course" }, t("lesson.backToCourse", { title: course.title }))),
      pageHeading(lesson.title),
      h("p", { class: "meta" }, `${t(`kind.${lesson.kind}`)} · ${minutes(lesson.duration)}`),
      lessonBody(lesson),
    );
    if (!progress) return article;

    const block = progressBlock(progress);
    const outline = h("ol", { class: "lessons compact", testid: "lesson-outline" });
    const after = h("div", { class: "after-complete" });
    const complete = h("button", { type: "button", testid: "complete-button" });
    showLessonState(lesson.id, progress, { complete, outline, after });
    complete.addEventListener("click", () =>
      withBusy(complete, async () => {
        // The answer is the whole progress in the course: the bar shows the server's numbers.
        const updated = await api(`/api/enrollments/complete/${lesson.id}/`, { method: "POST" });
        setProgress(block, updated);
        showLessonState(lesson.id, updated, { complete, outline, after });
        refreshBadge();
      }),
    );
    article.append(h("div", { class: "panel" }, block, complete, after), h("h2", {}, t("lesson.lessons")), outline);
    return article;
  }

  function lessonBody(lesson) {
    if (lesson.is_locked) return h("p", { class: "locked", testid: "lesson-locked" }, t("lesson.locked"));
    return h(
      "div",
      { class: "lesson-body", testid: "lesson-body" },
      lesson.content ? h("p", { class: "content" }, lesson.content) : null,
      lesson.video_url ? h("p", {}, h("a", { href: lesson.video_url, target: "_blank", rel: "noopener" }, t("lesson.video"))) : null,
      lesson.attachment_url ? h("p", {}, h("a", { href: lesson.attachment_url, target: "_blank", rel: "noopener" }, t("lesson.attachment"))) : null,
    );
  }

  /** The completion button, the lesson list and what comes next, from one progress answer. */
  function showLessonState(lessonId, progress, { complete, outline, after }) {
    const current = progress.lessons.find((item) => item.id === lessonId);
    const done = Boolean(current?.completed);
    complete.textContent = done ? t("lesson.isComplete") : t("lesson.complete");
    complete.classList.toggle("secondary", done);
    complete.dataset.completed = String(done);

    outline.replaceChildren(
      ...progress.lessons.map((item) =>
        h(
          "li",
          { class: item.completed ? "lesson done" : "lesson", "aria-current": item.id === lessonId ? "page" : null },
          h("a", { href: `#/lessons/${item.id}` }, item.title),
          item.completed ? h("span", { class: "tick" }, " ✓ ", h("span", { class: "visually-hidden" }, t("completed"))) : null,
        ),
      ),
    );

    const next = progress.next_lesson;
    after.replaceChildren(
      next && done
        ? h("a", { class: "button", href: `#/lessons/${next.id}`, testid: "next-lesson" }, t("lesson.next", { title: next.title }))
        : "",
      progress.completed_at && progress.percent === 100
        ? h(
            "p",
            { class: "celebrate", testid: "course-complete" },
            t("lesson.courseComplete"),
            " ",
            h("a", { href: "#/certificates", testid: "to-certificates" }, t("lesson.toCertificates")),
          )
        : "",
    );
  }

  async function accountView(params) {
    if (session.user) return profileView();
    const next = params.get("next");
    // Only a path of this page: the value ends up in location.hash, never in a real URL.
    const destination = next && next.startsWith("/") ? `#${next}` : "#/";

    const login = authForm({
      title: t("account.login"),
      testid: "login",
      fields: [
        ["account.usernameOrEmail", { name: "username", autocomplete: "username", required: true }],
        ["account.password", { name: "password", type: "password", autocomplete: "current-password", required: true }],
      ],
      button: t("account.loginButton"),
      submit: async (values, origin) => {
        const tokens = await api("/api/auth/login/", { method: "POST", body: values, auth: false });
        await startSession(tokens);
        showMessage(t("login.done", { name: displayName(session.user) }), "success");
        navigateFrom(origin, destination, { keepMessage: true });
      },
    });
    const register = authForm({
      title: t("account.register"),
      testid: "register",
      fields: [
        ["account.username", { name: "username", autocomplete: "username", required: true }],
        ["account.email", { name: "email", type: "email", autocomplete: "email", required: true }],
        ["account.password", { name: "password", type: "password", autocomplete: "new-password", required: true }],
        ["account.firstName", { name: "first_name", autocomplete: "given-name" }],
        ["account.lastName", { name: "last_name", autocomplete: "family-name" }],
      ],
      button: t("account.registerButton"),
      submit: async (values, origin) => {
        // The answer is the new profile with a token pair: the user is logged in at once.
        const profile = await api("/api/auth/register/", { method: "POST", body: values, auth: false });
        await startSession(profile.tokens);
        // Registration takes no language, so the new profile learns the page's one right away.
        // Should that fail, nothing is lost: without a profile language the API follows
        // Accept-Language, which is the same language.
        await rememberLanguage().catch(() => {});
        showMessage(t("register.done", { name: displayName(session.user) }), "success");
        navigateFrom(origin, destination, { keepMessage: true });
      },
    });
    return h(
      "section",
      {},
      pageHeading(t("account.title")),
      h("p", { class: "hint" }, t("account.demoHint")),
      h("div", { class: "columns" }, login, register),
    );
  }

  function authForm({ title, testid, fields, button, submit }) {
    const submitButton = h("button", { type: "submit", testid: `${testid}-submit` }, button);
    const form = h(
      "form",
      { class: "panel", testid: `${testid}-form` },
      h("h2", {}, title),
      fields.map(([labelKey, attrs]) => field(labelKey, { ...attrs, testid: `${testid}-${attrs.name}` })),
      submitButton,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const values = Object.fromEntries(new FormData(form));
      const origin = location.hash;
      withBusy(submitButton, () => submit(values, origin));
    });
    return form;
  }

  function profileView() {
    const user = session.user;
    const logout = h("button", { type: "button", class: "secondary", testid: "logout-button" }, t("account.logout"));
    logout.addEventListener("click", () =>
      withBusy(logout, async () => {
        try {
          // Built per attempt: a refresh before the retry rotates the refresh token.
          await api("/api/auth/logout/", { method: "POST", body: () => ({ refresh: session.refresh }) });
          showMessage(t("logout.done"), "success");
        } finally {
          endSession();
          await route();
        }
      }),
    );
    return h(
      "section",
      {},
      pageHeading(t("account.title")),
      h(
        "div",
        { class: "columns" },
        h(
          "div",
          { class: "panel" },
          h(
            "dl",
            { class: "profile", testid: "profile" },
            h("dt", {}, t("account.name")),
            h("dd", { testid: "profile-name" }, displayName(user)),
            h("dt", {}, t("account.username")),
            h("dd", {}, user.username),
            h("dt", {}, t("account.email")),
            h("dd", {}, user.email),
          ),
          logout,
        ),
        profileForm(user),
      ),
      deleteAccountPanel(),
    );
  }

  function profileForm(user) {
    const language = h(
      "select",
      {},
      h("option", { value: "" }, t("profile.languageNone")),
      Object.entries(LANGUAGE_NAMES).map(([code, name]) => h("option", { value: code, lang: code }, name)),
    );
    language.value = user.preferred_language;
    const controls = {
      first_name: h("input", { autocomplete: "given-name", maxlength: 150, value: user.first_name }),
      last_name: h("input", { autocomplete: "family-name", maxlength: 150, value: user.last_name }),
      headline: h("input", { maxlength: 150, value: user.headline }),
      bio: h("textarea", { rows: 4, maxlength: 5000 }, user.bio),
      avatar_url: h("input", { type: "url", inputmode: "url", autocomplete: "photo", maxlength: 500, value: user.avatar_url }),
      preferred_language: language,
    };
    const labels = {
      first_name: "account.firstName",
      last_name: "account.lastName",
      headline: "profile.headline",
      bio: "profile.bio",
      avatar_url: "profile.avatar",
      preferred_language: "profile.language",
    };
    const submit = h("button", { type: "submit", testid: "profile-submit" }, t("profile.save"));
    const form = h(
      "form",
      // The API checks every field and says what is wrong in the user's language; the
      // browser's own checks would speak the browser's language instead.
      { class: "panel", novalidate: true, testid: "profile-form" },
      h("h2", {}, t("profile.edit")),
      Object.entries(controls).map(([name, control]) =>
        checkedField(labels[name], control, { name, hint: name === "preferred_language" ? t("profile.languageHint") : null }),
      ),
      submit,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      withBusy(submit, async () => {
        clearFieldErrors(form);
        try {
          session.user = await api("/api/auth/profile/", { method: "PATCH", body: Object.fromEntries(new FormData(form)) });
        } catch (error) {
          if (!showFieldErrors(form, error)) throw error;
          return;
        }
        // A language chosen here is the page's language from now on, as a switch in the header.
        if (!adoptProfileLanguage()) renderSessionUi();
        showMessage(t("profile.saved"), "success");
        await route();
      });
    });
    return form;
  }

  /**
   * The danger zone: closing the account for good, confirmed with the password and then once
   * more in the page. Enter in the password field only asks; nothing but the "Yes" button deletes.
   */
  function deleteAccountPanel() {
    const password = h("input", { type: "password", autocomplete: "current-password" });
    const start = h("button", { type: "submit", class: "danger", testid: "delete-start" }, t("delete.start"));
    const confirm = h("button", { type: "button", class: "danger", testid: "delete-confirm" }, t("delete.confirm"));
    const cancel = h("button", { type: "button", class: "secondary", testid: "delete-cancel" }, t("delete.cancel"));
    const confirmStep = h(
      "div",
      { class: "confirm-step", role: "group", "aria-labelledby": "delete-question", testid: "delete-confirm-step", hidden: true },
      h("p", { id: "delete-question", class: "confirm-question" }, t("delete.question")),
      h("p", { class: "actions" }, confirm, cancel),
    );
    const form = h(
      "form",
      // As in the profile form, the API's messages speak the user's language; the browser's would not.
      { class: "panel danger-zone", novalidate: true, "aria-labelledby": "delete-title", testid: "delete-form" },
      h("h2", { id: "delete-title" }, t("delete.title")),
      h("p", {}, t("delete.erased")),
      h("p", {}, t("delete.kept")),
      checkedField("delete.password", password, { name: "password", scope: "delete" }),
      start,
      confirmStep,
    );
    const asking = (isAsking) => {
      start.hidden = isAsking;
      confirmStep.hidden = !isAsking;
      // The safe choice has the focus, so a second press of Enter deletes nothing.
      (isAsking ? cancel : start).focus();
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      asking(true);
    });
    cancel.addEventListener("click", () => asking(false));
    confirm.addEventListener("click", () =>
      withBusy(confirm, async () => {
        clearFieldErrors(form);
        try {
          await api("/api/auth/delete-account/", { method: "POST", body: { password: password.value } });
        } catch (error) {
          // Any refusal asks again before the next attempt.
          asking(false);
          if (!showFieldErrors(form, error)) throw error;
          return;
        }
        // Every token of the account is dead now: there is nothing to log out of on the server.
        endSession();
        showMessage(t("delete.done"), "success");
        navigate("#/", { keepMessage: true });
      }),
    );
    return form;
  }

  /** A labelled control with room for a hint and for the API's messages about its value. */
  function checkedField(labelKey, control, { name, hint = null, scope = "profile" }) {
    const id = `field-${++fieldCounter}`;
    const hintNode = hint ? h("p", { class: "field-hint", id: `${id}-hint` }, hint) : null;
    const errorNode = h("p", { class: "field-error", id: `${id}-error`, testid: `${scope}-${name}-error`, hidden: true });
    Object.assign(control, { id, name });
    control.dataset.testid = `${scope}-${name}`;
    control.setAttribute("aria-describedby", [hintNode?.id, errorNode.id].filter(Boolean).join(" "));
    return h("div", { class: "field" }, h("label", { for: id }, t(labelKey)), control, hintNode, errorNode);
  }

  /** The messages of an error answer by field name: the package's 400 and django-ninja's 422. */
  function fieldProblems(error) {
    const data = error instanceof ApiError ? error.data : null;
    if (data && Array.isArray(data.detail)) {
      const problems = {};
      for (const problem of data.detail) {
        const name = (problem.loc || []).at(-1);
        (problems[name] ||= []).push(problem.msg);
      }
      return problems;
    }
    return Object.fromEntries(Object.entries(data?.errors || {}).map(([name, messages]) => [name, [].concat(messages)]));
  }

  /** Show an error answer's messages next to the form's fields; false if none belongs there. */
  function showFieldErrors(form, error) {
    const problems = Object.entries(fieldProblems(error));
    const placed = problems.filter(([name]) => form.elements.namedItem(name));
    if (!placed.length) return false;
    for (const [name, messages] of placed) {
      const control = form.elements.namedItem(name);
      const errorNode = document.getElementById(`${control.id}-error`);
      control.setAttribute("aria-invalid", "true");
      errorNode.textContent = messages.join(" ");
      errorNode.hidden = false;
    }
    const summary = typeof error.data.detail === "string" ? error.data.detail : t("form.invalid");
    const elsewhere = problems
      .filter((problem) => !placed.includes(problem))
      .map(([name, messages]) => `${t(`field.${name}`)}: ${messages.join(" ")}`);
    showMessage([summary, ...elsewhere].join(" "), "error");
    form.querySelector("[aria-invalid=true]").focus();
    return true;
  }

  function clearFieldErrors(form) {
    for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
    for (const errorNode of form.querySelectorAll(".field-error")) {
      errorNode.hidden = true;
      errorNode.textContent = "";
    }
  }

  function needsLogin() {
    return h(
      "section",
      {},
      h("p", { testid: "needs-login" }, t("needsLogin"), " ", h("a", { href: `#/account?next=${encodeURIComponent(currentPath())}` }, t("nav.login"))),
    );
  }

  function emptyState(textKey, testid) {
    return h("p", { class: "empty", testid }, t(textKey), " ", h("a", { href: "#/" }, t("catalogue.browse")));
  }

  async function myCoursesView() {
    if (!session.access) return needsLogin();
    const page = await api("/api/enrollments/my/?page_size=50");
    return h(
      "section",
      {},
      pageHeading(t("myCourses.title")),
      page.items.length
        ? h("ul", { class: "cards" }, page.items.map((enrollment) => h("li", {}, myCourseCard(enrollment))))
        : emptyState("myCourses.empty", "my-courses-empty"),
    );
  }

  function myCourseCard({ course, status, progress, next_lesson: next }) {
    return h(
      "article",
      { class: "card", testid: "my-course", "data-course": course.id },
      h("h2", {}, h("a", { href: `#/courses/${course.id}`, testid: "course-link" }, course.title)),
      h("p", { class: "meta" }, displayName(course.instructor), " · ", t(`level.${course.level}`)),
      progressBlock(progress, t("progress.of", { title: course.title })),
      h(
        "p",
        { class: "actions" },
        status === "completed" ? h("span", { class: "tag tag-free" }, t("completed")) : null,
        next
          ? h("a", { class: "button", href: `#/lessons/${next.id}`, testid: "continue-link" }, t("course.continue", { title: next.title }))
          : h("a", { href: `#/courses/${course.id}` }, t("myCourses.open")),
      ),
    );
  }

  async function wishlistView() {
    if (!session.access) return needsLogin();
    const page = await api("/api/wishlist/?page_size=50");
    const cards = page.items.map((course) => {
      const card = courseCard(course);
      card.append(h("p", { class: "muted" }, t("wishlist.added", { date: formatDate(course.added_at) })));
      return h("li", {}, card);
    });
    return h(
      "section",
      {},
      pageHeading(t("wishlist.title")),
      cards.length ? h("ul", { class: "cards", testid: "wishlist" }, cards) : emptyState("wishlist.empty", "wishlist-empty"),
    );
  }

  async function certificatesView() {
    if (!session.access) return needsLogin();
    const page = await api("/api/certificates/?page_size=50");
    return h(
      "section",
      {},
      pageHeading(t("certificates.title")),
      page.items.length
        ? h("ul", { class: "cards" }, page.items.map((certificate) => h("li", {}, certificateCard(certificate))))
        : h("p", { testid: "certificates-empty" }, t("certificates.empty")),
    );
  }

  function certificateCard(certificate) {
    return h(
      "article",
      { class: "card certificate", testid: "certificate" },
      h("h2", {}, certificate.course_title),
      h("p", { testid: "certificate-holder" }, t("certificates.holder", { name: certificate.holder_name })),
      h("p", { class: "muted" }, t("certificates.issued", { date: formatDate(certificate.issued_at) })),
      h("p", {}, h("span", { class: certificate.valid ? "tag tag-free" : "tag tag-warn" }, certificate.valid ? t("certificates.valid") : t("certificates.revoked"))),
      h(
        "p",
        { class: "actions" },
        // The PDF and the verification are public: plain links work without the token.
        certificate.valid
          ? h("a", { class: "button", href: certificate.pdf_url, download: `certificate-${certificate.code}.pdf`, testid: "certificate-pdf" }, t("certificates.pdf"))
          : null,
        h("a", { href: certificate.verify_url, target: "_blank", rel: "noopener", testid: "certificate-verify" }, t("certificates.verify")),
      ),
    );
  }

  async function notificationsView() {
    if (!session.access) return needsLogin();
    const page = await api("/api/notifications/?page_size=50");
    const anyUnread = page.items.some((item) => !item.is_read);
    const readAll = h("button", { type: "button", class: "secondary", testid: "notifications-read-all", disabled: !anyUnread }, t("notifications.readAll"));
    readAll.addEventListener("click", () =>
      withBusy(readAll, async () => {
        const answer = await api("/api/notifications/read-all/", { method: "POST" });
        showMessage(t("notifications.marked", { n: answer.marked }), "success");
        refreshBadge();
        await route();
      }),
    );
    return h(
      "section",
      {},
      pageHeading(t("notifications.title")),
      readAll,
      page.items.length
        ? h("ul", { class: "notifications" }, page.items.map(notificationItem))
        : h("p", {}, t("notifications.empty")),
    );
  }

  function notificationItem(notification) {
    const item = h(
      "li",
      { class: notification.is_read ? "notification" : "notification unread", testid: "notification", "data-kind": notification.kind, "data-read": String(notification.is_read) },
      h("p", { class: "notification-title" }, notification.title),
      h("p", {}, notification.body),
      h("p", { class: "muted" }, formatDate(notification.created_at)),
    );
    if (!notification.is_read) {
      const read = h("button", { type: "button", class: "secondary small", testid: "notification-read" }, t("notifications.read"));
      read.addEventListener("click", () =>
        withBusy(read, async () => {
          await api(`/api/notifications/${notification.id}/read/`, { method: "POST" });
          item.classList.remove("unread");
          item.dataset.read = "true";
          read.remove();
          refreshBadge();
        }),
      );
      item.append(read);
    }
    return item;
  }

  // ---------------------------------------------------------------------------------------
  // The header: who is logged in, the unread badge, the language buttons.

  function renderSessionUi() {
    document.querySelector("[data-testid=session-user]").textContent = session.user ? session.user.username : t("nav.login");
    for (const link of document.querySelectorAll("[data-needs-login]")) link.hidden = !session.user;
    if (!session.user) setBadge(0);
  }

  function setBadge(unread) {
    const badge = document.querySelector("[data-testid=unread-badge]");
    badge.hidden = unread === 0;
    badge.dataset.count = String(unread);
    badge.replaceChildren(String(unread), h("span", { class: "visually-hidden" }, ` ${t("notifications.unread", { n: unread })}`));
  }

  async function refreshBadge() {
    if (!session.access) return setBadge(0);
    try {
      const { unread } = await api("/api/notifications/unread-count/");
      setBadge(unread);
    } catch {
      // A badge that could not be updated is not worth interrupting the user for.
    }
  }

  function applyStaticStrings() {
    document.documentElement.lang = state.lang;
    for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
    for (const element of document.querySelectorAll("[data-i18n-aria-label]")) {
      element.setAttribute("aria-label", t(element.dataset.i18nAriaLabel));
    }
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    }
    renderSessionUi();
    refreshBadge();
  }

  async function setLanguage(lang) {
    state.lang = lang;
    clearMessage();
    applyStaticStrings();
    if (session.user) {
      try {
        await rememberLanguage();
      } catch (error) {
        showError(error);
      }
    }
    // Rendered again, so the API's own texts come back in the new language too.
    route();
  }

  // ---------------------------------------------------------------------------------------
  // Routing on the URL's hash, so the back button and bookmarks work without a server route.

  const ROUTES = [
    [/^\/?$/, catalogueView],
    [/^\/courses\/(?<id>\d+)$/, courseView],
    [/^\/lessons\/(?<id>\d+)$/, lessonView],
    [/^\/account$/, accountView],
    [/^\/my-courses$/, myCoursesView],
    [/^\/wishlist$/, wishlistView],
    [/^\/certificates$/, certificatesView],
    [/^\/notifications$/, notificationsView],
  ];

  function currentPath() {
    return location.hash.replace(/^#/, "") || "/";
  }

  // Set by navigate() when the message just shown is about the page it goes to.
  let keepMessageOnce = false;

  function navigate(hash, { keepMessage = false } = {}) {
    // The same hash fires no hashchange event: render again by hand.
    if (location.hash === hash || (hash === "#/" && !location.hash)) {
      route({ focus: true });
    } else {
      keepMessageOnce = keepMessage;
      location.hash = hash;
    }
  }

  /**
   * Go on to `hash` once a form's requests are done, unless the visitor has meanwhile gone to
   * another page of their own accord: their choice wins over where the form would lead.
   */
  function navigateFrom(origin, hash, options) {
    if (location.hash === origin) navigate(hash, options);
  }

  async function route({ focus = false } = {}) {
    const ticket = ++renderTicket;
    const [path, query = ""] = currentPath().split("?");
    const params = new URLSearchParams(query);
    const match = ROUTES.map(([pattern, view]) => [path.match(pattern), view]).find(([found]) => found);
    const [found, view] = match || [[], catalogueView];
    const main = document.getElementById("view");
    main.setAttribute("aria-busy", "true");
    let content;
    try {
      content = await view(found.groups ? { ...found.groups, ...Object.fromEntries(params) } : params);
    } catch (error) {
      content = h("section", {}, pageHeading(t("error.title")), h("p", {}, h("a", { href: "#/" }, t("course.back"))));
      if (ticket === renderTicket) showError(error);
    }
    if (ticket !== renderTicket) return;
    main.replaceChildren(content);
    main.removeAttribute("aria-busy");
    if (focus) main.querySelector("h1")?.focus();
  }

  function start() {
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.addEventListener("click", () => setLanguage(button.dataset.lang));
    }
    window.addEventListener("hashchange", () => {
      if (!keepMessageOnce) clearMessage();
      keepMessageOnce = false;
      route({ focus: true });
    });
    applyStaticStrings();
    route();
  }

  start();
})();
