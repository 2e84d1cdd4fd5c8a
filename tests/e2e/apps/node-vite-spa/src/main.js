import React from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Routes, Route } from "react-router-dom";

const h = React.createElement;
const Home = () => h("p", null, "tasks");
const Task = () => h("p", null, "one task");

createRoot(document.getElementById("root")).render(
  h(BrowserRouter, null,
    h(Routes, null,
      h(Route, { path: "/", element: h(Home) }),
      h(Route, { path: "/tasks/:id", element: h(Task) }))),
);
