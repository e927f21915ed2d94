// The reader's progress, kept in this browser only (localStorage), with no account and offline:
// the pages visited, the quiz results of each page, and the latest grades from `make grade`,
// if the reader loads its JSON report on the progress page. Every page records itself; the
// progress page (<div data-course-widget="progress">, hooks/widgets.py) shows what is kept.
(function () {
  "use strict";

  const KEY = "course-progress:v1";

  function load() {
    try {
      const stored = JSON.parse(localStorage.getItem(KEY) || "{}");
      return { visited: {}, quizzes: {}, grades: null, ...stored };
    } catch (error) {
      return { visited: {}, quizzes: {}, grades: null };  // unreadable: start again rather than break the page
    }
  }

  function save(progress) {
    try {
      localStorage.setItem(KEY, JSON.stringify(progress));
    } catch (error) {
      // Storage disabled or full: the page works, it just does not remember.
    }
  }

  const here = window.location.pathname;
  const progress = load();
  progress.visited[here] = new Date().toISOString();
  save(progress);

  // mkdocs-quiz announces the page's quiz results when it restores them and after every answer.
  window.addEventListener("quizProgressUpdate", (event) => {
    const { total, answered, correct } = event.detail;
    const latest = load();
    latest.quizzes[here] = { total, answered, correct };
    save(latest);
  });

  // --- The progress page -----------------------------------------------------------------

  // The DOM helpers of widgets.js, which mkdocs.yml loads first.
  const { element, format } = window.courseWidgets;

  // The grader's JSON report (`python -m grader report --json FILE`, or `make grade`'s): checked, then kept.
  function readGrades(text, t) {
    let report;
    try {
      report = JSON.parse(text);
    } catch (error) {
      return { error: t.grades_not_json };
    }
    const exercises = report && Array.isArray(report.exercises) ? report.exercises : null;
    const valid = exercises && exercises.every((e) => typeof e.id === "string" && typeof e.points === "number" &&
                                                     typeof e.max_points === "number" && typeof e.status === "string");
    if (!valid) return { error: t.grades_not_report };
    return { grades: { loaded: new Date().toISOString(), exercises: exercises.map(
      ({ id, title, points, max_points, status }) => ({ id, title, points, max_points, status })) } };
  }

  function progressPage(root, data) {
    const t = data.text;
    // The chapters are the site's own navigation, in the page's language.
    const links = [...document.querySelectorAll(".md-nav--primary a.md-nav__link[href]")];
    const pages = [];
    for (const link of links) {
      const path = new URL(link.href).pathname;
      if (!pages.some((p) => p.path === path) && path !== here) pages.push({ path, title: link.textContent.trim() });
    }
    const table = element("table", { class: "course-progress__pages" });
    const grades = element("div", { class: "course-progress__grades" });
    const message = element("p", { class: "course-widget__message", role: "alert" });
    const input = element("input", { type: "file", accept: ".json,application/json", id: "progress-grades" });
    const clear = element("button", { type: "button", class: "md-button", text: t.clear });
    root.append(
      element("p", { class: "course-widget__title", text: t.pages_title }),
      element("div", { class: "course-progress__scroll" }, [table]),
      element("p", { class: "course-widget__title", text: t.grades_title }),
      element("div", { class: "course-widget__field" }, [element("label", { for: "progress-grades", text: t.grades_load }), input]),
      message, grades, element("p", {}, [clear]), element("p", { class: "course-widget__note", text: t.privacy }),
    );

    function render() {
      const latest = load();
      const locale = data.language;
      table.replaceChildren(element("tr", {}, [t.page, t.visited, t.quizzes].map((h) => element("th", { text: h }))));
      let seen = 0;
      for (const page of pages) {
        const visited = latest.visited[page.path];
        const quiz = latest.quizzes[page.path];
        if (visited) seen += 1;
        const when = visited ? new Date(visited).toLocaleDateString(locale) : "–";
        const quizText = quiz && quiz.total ? format(t.quiz_score, quiz) : "–";
        const row = element("tr", { "data-path": page.path, "data-visited": visited ? "true" : "false" }, [
          element("td", {}, [element("a", { href: page.path, text: page.title })]),
          element("td", { text: visited ? "✓ " + when : "–" }),
          element("td", { text: quizText }),
        ]);
        table.append(row);
      }
      root.dataset.visited = String(seen);
      const report = latest.grades;
      if (!report) {
        grades.replaceChildren(element("p", { text: t.grades_none }));
        return;
      }
      const total = report.exercises.reduce((sum, e) => sum + e.points, 0);
      const max = report.exercises.reduce((sum, e) => sum + e.max_points, 0);
      const list = element("table", { class: "course-progress__exercises" },
        [element("tr", {}, [t.exercise, t.points].map((h) => element("th", { text: h })))]);
      for (const e of report.exercises) {
        list.append(element("tr", { "data-exercise": e.id }, [
          element("td", { text: e.id + (e.title ? " · " + e.title : "") }),
          element("td", { text: format(t.points_of, { points: e.points.toLocaleString(locale), max: e.max_points }) }),
        ]));
      }
      grades.replaceChildren(
        element("p", { text: format(t.grades_summary, { points: total.toLocaleString(locale), max,
                                                        date: new Date(report.loaded).toLocaleString(locale) }) }),
        element("div", { class: "course-progress__scroll" }, [list]));
    }

    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (!file) return;
      file.text().then((text) => {
        const { grades: read, error } = readGrades(text, t);
        message.textContent = error || "";
        if (read) {
          const latest = load();
          latest.grades = read;
          save(latest);
        }
        render();
      });
    });
    clear.addEventListener("click", () => {
      if (!window.confirm(t.clear_confirm)) return;
      localStorage.removeItem(KEY);
      for (const key of Object.keys(localStorage)) if (key.startsWith("quiz_progress_")) localStorage.removeItem(key);
      render();
    });
    render();
  }

  for (const root of document.querySelectorAll("[data-course-widget='progress']")) {
    progressPage(root, JSON.parse(root.querySelector("script[type='application/json']").textContent));
    root.dataset.ready = "true";
  }
})();
